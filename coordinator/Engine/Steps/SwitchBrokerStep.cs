using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Step 3, one broker: point it at the destination, restart it, wait until Kafka is whole again.</summary>
internal sealed class SwitchBrokerStep(BrokerSpec broker) : MigrationStep
{
    /// <summary>The effect that points the broker at the destination (abort reads it: did we switch this broker?).</summary>
    public const string ConnectKey = "connect";

    /// <summary>The broker's restart after its switch.</summary>
    public const string RestartKey = "restart";

    public static string StepIdFor(int brokerId) => $"switch-broker-{brokerId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public override string Id => StepIdFor(broker.Id);

    public override string Title => $"Kafka switch, broker {broker.Id}: zookeeper.connect → destination, restart, wait for registration";

    public override IReadOnlyList<string> ChecksBefore => ["destination observers caught up", "every partition has a leader and a full ISR"];

    public override IReadOnlyList<string> Actions => [$"set zookeeper.connect of broker {broker.Id} to the destination + chroot (rest of server.properties byte for byte)", $"restart broker {broker.Id}"];

    public override IReadOnlyList<string> ChecksAfter => [$"/brokers/ids/{broker.Id} registered again", "no partition offline or under-replicated"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        await SwitchAsync(context, broker, cancellationToken).ConfigureAwait(false);
        context.Services.OnBrokerSwitched?.Invoke(broker.Id);
        await context.WaitUntilAsync($"broker {broker.Id} registered and every partition healthy", plan.Timeouts.BrokerRegistration, async ct =>
        {
            var state = await context.Inspector.ReadKafkaStateAsync(plan.Destination, plan.Chroot, ct).ConfigureAwait(false);
            return ClusterQueries.IsKafkaHealthy(state, plan.Brokers.Select(b => b.Id), out _);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Points <paramref name="broker"/> at the destination and restarts it, as effects of <paramref name="context"/>,
    /// which must be the broker's own step (<see cref="StepIdFor"/>): the batched switch runs this for every broker
    /// of a batch at once under the same operation ids as one at a time, so abort and resume read one record.
    /// </summary>
    internal static async Task SwitchAsync(StepContext context, BrokerSpec broker, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var agent = context.Agent(broker.Agent);
        var current = await agent.GetKafkaZooKeeperConnectAsync(cancellationToken).ConfigureAwait(false);
        var switched = ConnectStrings.SameEnsemble(current, plan.DestinationConnect);

        // The restart follows our switch, decided by the record of the switch (journal, else the agent's), never by
        // the file alone: a file already switched says nothing about whether the broker restarted since.
        var wrote = await context.EffectAsync(ConnectKey, agent,
            (operation, ct) => agent.SetKafkaZooKeeperConnectAsync(operation, plan.DestinationConnect, ct), cancellationToken,
            needed: !switched,
            achieved: async ct => ConnectStrings.SameEnsemble(await agent.GetKafkaZooKeeperConnectAsync(ct).ConfigureAwait(false), plan.DestinationConnect)).ConfigureAwait(false);
        if (wrote && !context.EffectDone(RestartKey))
        {
            await context.EffectAsync(RestartKey, agent, (operation, ct) => agent.ControlServiceAsync(operation, "restart", ct), cancellationToken).ConfigureAwait(false);
            context.Info($"broker {broker.Id} restarted with zookeeper.connect={plan.DestinationConnect}", broker.Host);
            await Task.Delay(plan.Intervals.BrokerRestartPause, context.Time, cancellationToken).ConfigureAwait(false);
        }
    }
}
