using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Step 3, one broker: point it at the destination, restart it, wait until Kafka is whole again.</summary>
internal sealed class SwitchBrokerStep(BrokerSpec broker) : MigrationStep
{
    private const string RestartedKey = "restarted";

    public override string Id => $"switch-broker-{broker.Id}";

    public override string Title => $"Kafka switch, broker {broker.Id}: zookeeper.connect → destination, restart, wait for registration";

    public override IReadOnlyList<string> ChecksBefore => ["destination observers caught up", "every partition has a leader and a full ISR"];

    public override IReadOnlyList<string> Actions => [$"set zookeeper.connect of broker {broker.Id} to the destination + chroot (rest of server.properties byte for byte)", $"restart broker {broker.Id}"];

    public override IReadOnlyList<string> ChecksAfter => [$"/brokers/ids/{broker.Id} registered again", "no partition offline or under-replicated"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var agent = context.Agent(broker.Agent);
        var current = await agent.GetKafkaZooKeeperConnectAsync(cancellationToken).ConfigureAwait(false);
        var switched = ConnectStrings.SameEnsemble(current, plan.DestinationConnect);

        // At worst one more bounce of this broker on resume, never a broker left down or on the old ensemble.
        if (!switched || !context.RestartWasJournaled(RestartedKey))
        {
            if (!switched)
            {
                await agent.SetKafkaZooKeeperConnectAsync(context.Operation("set-connect", broker.Host), plan.DestinationConnect, cancellationToken).ConfigureAwait(false);
            }

            await context.RestartJournaledAsync(agent, broker.Host, "restart", RestartedKey, cancellationToken).ConfigureAwait(false);
            context.Info($"broker {broker.Id} restarted with zookeeper.connect={plan.DestinationConnect}", broker.Host);
            await Task.Delay(plan.Intervals.BrokerRestartPause, context.Time, cancellationToken).ConfigureAwait(false);
        }

        context.Services.OnBrokerSwitched?.Invoke(broker.Id);
        await context.WaitUntilAsync($"broker {broker.Id} registered and every partition healthy", plan.Timeouts.BrokerRegistration, async ct =>
        {
            var state = await context.Inspector.ReadKafkaStateAsync(plan.Destination, plan.Chroot, ct).ConfigureAwait(false);
            return ClusterQueries.IsKafkaHealthy(state, plan.Brokers.Select(b => b.Id), out _);
        }, cancellationToken).ConfigureAwait(false);
    }
}
