using System.Globalization;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Step 3, one host of one tenant: point its connect string at the destination, restart it, wait until the tenant's
/// health gate passes on the destination. Kafka's broker steps keep their ids, titles and checks (partition health);
/// other tenants' gate is their ephemeral registrations (<see cref="TenantHealth"/>).
/// </summary>
internal sealed class SwitchHostStep(TenantSpec tenant, TenantHost host) : MigrationStep
{
    /// <summary>The effect that points the host at the destination (abort reads it: did we switch this host?).</summary>
    public const string ConnectKey = "connect";

    /// <summary>The host's restart after its switch.</summary>
    public const string RestartKey = "restart";

    /// <summary>
    /// Observation of a broker's own step, journaled just before its restart: the broker epoch (czxid of
    /// <c>/brokers/ids/&lt;id&gt;</c>) it was registered under, 0 when it was not registered.
    /// </summary>
    public const string EpochBeforeRestartKey = "epoch-before-restart";

    public static string StepIdFor(int brokerId) => $"switch-broker-{brokerId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary><c>switch-broker-&lt;id&gt;</c> for Kafka (as before tenants existed), else <c>switch-&lt;tenant&gt;-&lt;n&gt;</c> (1-based host order).</summary>
    public static string StepIdFor(TenantSpec tenant, TenantHost host) =>
        tenant.Preset == TenantPreset.Kafka && host.Id is { } id
            ? StepIdFor(id)
            : $"switch-{tenant.Name}-{(IndexOf(tenant, host) + 1).ToString(CultureInfo.InvariantCulture)}";

    private static int IndexOf(TenantSpec tenant, TenantHost host) => tenant.Hosts.ToList().IndexOf(host);

    private bool IsKafka => tenant.Preset == TenantPreset.Kafka;

    public override string Id => StepIdFor(tenant, host);

    public override string Title => IsKafka
        ? $"Kafka switch, broker {host.Id}: zookeeper.connect → destination, restart, wait for registration"
        : $"{tenant.Name} switch, host {host.Agent}: connect string → destination, restart, wait for its registrations";

    public override IReadOnlyList<string> ChecksBefore => IsKafka
        ? ["destination observers caught up", "every partition has a leader and a full ISR"]
        : ["destination observers caught up"];

    public override IReadOnlyList<string> Actions => IsKafka
        ? [$"set zookeeper.connect of broker {host.Id} to the destination + chroot (rest of server.properties byte for byte)", $"restart broker {host.Id}"]
        : [$"set {tenant.Connect.Location} of {tenant.Connect.ConfigId} on {host.Agent} to the destination{(tenant.Connect.ChrootInConnect ? " + chroot" : "")} (rest of the file byte for byte)", $"restart {tenant.Name} on {host.Agent}"];

    public override IReadOnlyList<string> ChecksAfter => IsKafka
        ? [$"/brokers/ids/{host.Id} registered again, under a broker epoch newer than before the restart", "no partition offline or under-replicated"]
        : [$"{tenant.Health.Describe(tenant.Chroot)} on the destination"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        await SwitchAsync(context, tenant, host, null, cancellationToken).ConfigureAwait(false);
        if (IsKafka && host.Id is { } brokerId)
        {
            context.Services.OnBrokerSwitched?.Invoke(brokerId);
            await context.WaitUntilAsync($"broker {brokerId} registered again and every partition healthy", plan.Timeouts.BrokerRegistration, async ct =>
            {
                var state = await context.Inspector.ReadKafkaStateAsync(plan.Destination, tenant.Chroot, ct).ConfigureAwait(false);
                return ClusterQueries.IsKafkaHealthy(state, tenant.Hosts.Select(h => h.Id ?? -1), out _)
                    && NotBackYet(context, Epochs(state), [brokerId]) is null;
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await context.WaitUntilAsync($"{tenant.Name}: {tenant.Health.Describe(tenant.Chroot)}", plan.Timeouts.BrokerRegistration,
            async ct => await TenantHealthGate.CountAsync(context, tenant, plan.Destination, ct).ConfigureAwait(false) >= tenant.Health.Count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Points <paramref name="host"/> at the destination and restarts it, as effects of <paramref name="context"/>, which
    /// must be the host's own step (<see cref="StepIdFor(TenantSpec, TenantHost)"/>): the batched Kafka switch runs this
    /// for every broker of a batch at once under the same operation ids as one at a time, so abort and resume read one record.
    /// </summary>
    /// <param name="context">The host's own step context.</param>
    /// <param name="tenant">The host's tenant.</param>
    /// <param name="host">The host.</param>
    /// <param name="epochsBefore">A Kafka broker's epoch read just before (the batch's gate); null: read here when a restart follows.</param>
    /// <param name="cancellationToken">Cancels the switch.</param>
    internal static async Task SwitchAsync(StepContext context, TenantSpec tenant, TenantHost host, IReadOnlyDictionary<int, long>? epochsBefore, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var agent = context.Agent(host.Agent);
        var target = plan.DestinationConnectFor(tenant);
        var current = await agent.GetTenantConnectAsync(tenant.Connect, cancellationToken).ConfigureAwait(false);
        var switched = ConnectStrings.SameEnsemble(current, target);

        // The restart follows our switch, decided by the record of the switch (journal, else the agent's), never by
        // the file alone: a file already switched says nothing about whether the host restarted since.
        var wrote = await context.EffectAsync(ConnectKey, agent,
            (operation, ct) => agent.SetTenantConnectAsync(operation, tenant.Connect, target, ct), cancellationToken,
            needed: !switched,
            achieved: async ct => ConnectStrings.SameEnsemble(await agent.GetTenantConnectAsync(tenant.Connect, ct).ConfigureAwait(false), target)).ConfigureAwait(false);
        if (wrote && !context.EffectDone(RestartKey))
        {
            if (tenant.Preset == TenantPreset.Kafka && host.Id is { } brokerId)
            {
                // Journaled before the restart, so that a resumed run waits for the same new registration.
                var epochs = epochsBefore ?? Epochs(await context.Inspector.ReadKafkaStateAsync(plan.Destination, tenant.Chroot, cancellationToken).ConfigureAwait(false));
                await context.ObserveAsync(EpochBeforeRestartKey, epochs.GetValueOrDefault(brokerId), cancellationToken).ConfigureAwait(false);
            }

            await context.EffectAsync(RestartKey, agent, (operation, ct) => agent.ControlServiceAsync(operation, "restart", ct), cancellationToken).ConfigureAwait(false);
            context.Info(tenant.Preset == TenantPreset.Kafka ? $"broker {host.Id} restarted with zookeeper.connect={target}" : $"{tenant.Name} on {host.Agent} restarted with its connect string at {target}", host.Host);
            await Task.Delay(plan.Intervals.BrokerRestartPause, context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The Kafka broker <paramref name="broker"/> of the plan's moved Kafka tenant, as <see cref="SwitchAsync(StepContext, TenantSpec, TenantHost, IReadOnlyDictionary{int, long}?, CancellationToken)"/>.</summary>
    internal static Task SwitchAsync(StepContext context, BrokerSpec broker, IReadOnlyDictionary<int, long> epochsBefore, CancellationToken cancellationToken)
    {
        var kafka = context.Plan.MovedTenants.Single(t => t.Preset == TenantPreset.Kafka);
        return SwitchAsync(context, kafka, kafka.Hosts.Single(h => h.Id == broker.Id), epochsBefore, cancellationToken);
    }

    /// <summary>Every registered broker's epoch (czxid of its registration) in <paramref name="state"/>.</summary>
    internal static IReadOnlyDictionary<int, long> Epochs(Verification.KafkaState state) => state.Brokers.ToDictionary(b => b.Key, b => b.Value.Czxid);

    /// <summary>
    /// Why some of <paramref name="brokers"/> are not back from their restart, or null when every one whose restart is done
    /// is registered under an epoch newer than the one journaled before its restart. A registration that merely exists
    /// may still be the old session's (a stop that ended in SIGKILL, a close that timed out): it stands until the session
    /// expires (zookeeper.session.timeout.ms) and then vanishes, taking the broker out of every ISR while the next batch is down.
    /// </summary>
    internal static string? NotBackYet(StepContext context, IReadOnlyDictionary<int, long> epochs, IEnumerable<int> brokers)
    {
        var stale = new List<string>();
        foreach (var id in brokers)
        {
            // Only a restart that is done: one still to come (a resumed run) was journaled with the epoch it will replace.
            var broker = new StepContext(context.Services, StepIdFor(id), context.Attempt);
            var before = context.Observed<long>(broker.StepId, EpochBeforeRestartKey);
            if (before > 0 && broker.EffectDone(RestartKey) && epochs.TryGetValue(id, out var now) && now <= before)
            {
                stale.Add($"{id.ToString(CultureInfo.InvariantCulture)} (epoch {Verification.Zxid.Format(now)})");
            }
        }

        return stale.Count == 0 ? null : $"broker(s) {string.Join(", ", stale)} still registered by the session from before the restart";
    }
}
