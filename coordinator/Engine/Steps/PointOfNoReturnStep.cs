namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Step 4: proves Kafka left the source and the destination is caught up, then asks the operator.</summary>
internal sealed class PointOfNoReturnStep : MigrationStep
{
    public const string StepId = "point-of-no-return";

    public override string Id => StepId;

    public override string Title => "Point of no return: Kafka has left the source; confirm (typed, or --yes)";

    public override IReadOnlyList<string> ChecksBefore =>
    [
        "no Kafka host has a session on a source node (cons, where the source allows it)",
        "every moved tenant host's registration is owned by a session established on a destination server (the session id's top byte)",
        "destination observers caught up with the source leader",
        "every broker registered, every partition healthy",
    ];

    public override IReadOnlyList<string> Actions => ["record broker epochs and /controller_epoch (Kafka must not notice the cut)", "ask for confirmation"];

    public override IReadOnlyList<string> ChecksAfter => ["confirmed"];

    public override bool PointOfNoReturn => true;

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        // Every moved tenant's hosts (for a Kafka-only plan: the brokers, as before tenants existed).
        var brokerHosts = await HostAddresses.TenantClientHostsAsync(context, cancellationToken).ConfigureAwait(false);
        await context.WaitUntilAsync("no Kafka session left on a source node", plan.Timeouts.BrokerRegistration, async ct =>
        {
            foreach (var s in plan.Source)
            {
                var status = await context.Agent(s.Agent).GetZooKeeperStatusAsync(ct).ConfigureAwait(false);
                var kafka = status.ClientAddresses.Where(a => brokerHosts.Contains(ConnectStrings.HostOfClientAddress(a))).ToList();
                if (kafka.Count > 0)
                {
                    context.Info($"source server {s.Id} still has Kafka connections: {string.Join(", ", kafka)}", s.ClientEndpoint);
                    return false;
                }
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);

        // Positive proof, which needs no four-letter word on the source: a source that refuses cons shows no
        // connections at all, so the wait above passes without evidence; this one cannot.
        IReadOnlyList<Verification.LeftSourceEvidence> leftSource = [];
        await context.WaitUntilAsync("every moved tenant host registered through a destination session", plan.Timeouts.BrokerRegistration, async ct =>
        {
            leftSource = await TenantsLeftSource.CollectAsync(context, ct).ConfigureAwait(false);
            var notYet = leftSource.Where(e => !e.OnDestination).ToList();
            foreach (var e in notYet)
            {
                context.Info($"not yet proven on the destination: {e.Describe()}");
            }

            return notYet.Count == 0;
        }, cancellationToken).ConfigureAwait(false);
        await context.ObserveAsync(TenantsLeftSource.Key, leftSource, cancellationToken).ConfigureAwait(false);

        await context.WaitUntilAsync("destination observers caught up", plan.Timeouts.CatchUp, ct => ClusterQueries.ObserversCaughtUpAsync(context, null, ct), cancellationToken).ConfigureAwait(false);
        var kafkaState = await context.Inspector.ReadKafkaStateAsync(plan.Destination, plan.Chroot, cancellationToken).ConfigureAwait(false);
        if (!ClusterQueries.IsKafkaHealthy(kafkaState, plan.Brokers.Select(b => b.Id), out var problem))
        {
            throw new StepFailedException(Id, $"Kafka is not healthy on the destination: {problem}");
        }

        var baseline = KafkaBaseline.From(kafkaState);
        await context.ObserveAsync("kafka", baseline, cancellationToken).ConfigureAwait(false);
        await TenantSessions.RecordAsync(context, cancellationToken).ConfigureAwait(false);

        if (context.State.IsConfirmed(Id))
        {
            return;
        }

        var summary = $"Kafka's {plan.Brokers.Count} broker(s) are on the destination (controller epoch {baseline.ControllerEpoch}); the destination observers are caught up. "
            + $"Next: cut the destination off the source with firewall rules and elect the destination's own leader. After this, abort can no longer undo the migration.";
        if (!await context.Services.Confirmation.ConfirmAsync(plan.PlanId, summary, cancellationToken).ConfigureAwait(false))
        {
            throw new NotConfirmedException();
        }

        await context.Services.Journal.AppendAsync(new Journal.JournalRecord { Type = Journal.JournalRecordTypes.Confirmed, Step = Id }, cancellationToken).ConfigureAwait(false);
    }
}
