namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Records what abort restores and what verification compares against, before anything changes.</summary>
internal sealed class BaselineStep : MigrationStep
{
    public const string StepId = "baseline";

    public override string Id => StepId;

    public override string Title => "Baseline: destination configs, the chroot's size, Kafka's registrations and controller epoch on the source";

    public override IReadOnlyList<string> ChecksBefore => ["preflight passed"];

    public override IReadOnlyList<string> Actions => ["read each destination zoo.cfg (kept for abort)", "snapshot the chroot on the source (count, digest)", "read broker epochs and /controller_epoch", "each staying tenant: its hosts' connect strings (read only), its registrations' owner sessions and its tree's Stats on the source"];

    public override IReadOnlyList<string> ChecksAfter => ["every broker registered on the source", "the chroot's largest znode within every destination server's jute.maxbuffer (read as Stats: its data never crosses the wire), its widest listing within the coordinator client's reply limit"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var configs = new Dictionary<string, string>();
        foreach (var d in plan.Destination)
        {
            var existing = context.Observed<Dictionary<string, string>>(StepId, "destination-configs");
            if (existing is not null && existing.TryGetValue(d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), out var kept))
            {
                // A rerun must keep the first (original) config, not one the join already rewrote.
                configs[d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = kept;
                continue;
            }

            var config = await context.Agent(d.Agent).ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
            // A node with a dynamic file is kept as one text (its members in place of dynamicConfigFile): written back, the
            // agent puts the members into the dynamic file again, so abort restores both files.
            configs[d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = config.Effective;
        }

        await context.ObserveAsync("destination-configs", configs, cancellationToken).ConfigureAwait(false);

        var readFrom = await ClusterQueries.FollowersOrAllAsync(context, plan.Source, cancellationToken).ConfigureAwait(false);
        Verification.ChrootSnapshot snapshot;
        try
        {
            snapshot = await context.Inspector.SnapshotAsync(readFrom, plan.Chroot, cancellationToken).ConfigureAwait(false);
        }
        catch (Verification.ChrootReadException e)
        {
            throw new StepFailedException(StepId, e.Message);
        }

        await context.ObserveAsync("source-chroot", new { count = snapshot.Nodes.Count, persistent = snapshot.PersistentCount, digest = snapshot.Digest }, cancellationToken).ConfigureAwait(false);

        // The fit of the chroot in jute.maxbuffer is checked on this read, the one the baseline makes anyway (a whole
        // chroot read in preflight would be one more against the shared source), before the join changes anything.
        var limits = ChrootLimits.From(snapshot);
        var tooLarge = new List<string>();
        JuteMaxBufferCheck.CheckTree(limits, await JuteMaxBufferCheck.ReadAsync(context, sourceToo: false, cancellationToken).ConfigureAwait(false), ZooKeeper.ZooKeeperClientOptions.DefaultMaxFrameBytes, tooLarge);
        if (tooLarge.Count > 0)
        {
            throw new StepFailedException(StepId, string.Join("; ", tooLarge));
        }

        var kafka = await context.Inspector.ReadKafkaStateAsync(plan.Source, plan.Chroot, cancellationToken).ConfigureAwait(false);
        await context.ObserveAsync("kafka", KafkaBaseline.From(kafka), cancellationToken).ConfigureAwait(false);
        if (!ClusterQueries.IsKafkaHealthy(kafka, plan.Brokers.Select(b => b.Id), out var problem))
        {
            context.Warning($"Kafka on the source before the migration: {problem}");
        }

        await StayingTenants.RecordAsync(context, cancellationToken).ConfigureAwait(false);
        context.Info($"chroot {plan.Chroot}: {snapshot.Nodes.Count} znodes; controller epoch {kafka.ControllerEpoch}; brokers {string.Join(", ", kafka.Brokers.Keys.Order())}");
    }
}

/// <summary>Kafka's identity in ZooKeeper at one moment: broker epochs (czxid), sessions, controller epoch.</summary>
public sealed record KafkaBaseline(Dictionary<string, long> BrokerEpochs, Dictionary<string, long> BrokerSessions, long? ControllerEpoch)
{
    public static KafkaBaseline From(Verification.KafkaState state) => new(
        state.Brokers.ToDictionary(b => b.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), b => b.Value.Czxid),
        state.Brokers.ToDictionary(b => b.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), b => b.Value.SessionId),
        state.ControllerEpoch);
}
