using System.Text.Json;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>One verification result for the report.</summary>
public sealed record CheckResult(string Name, bool Passed, string Detail);

/// <summary>Step 8: Kafka did not notice, the destination holds the chroot, the source is still healthy.</summary>
internal sealed class VerifyStep : MigrationStep
{
    public const string StepId = "verify";

    public override string Id => StepId;

    public override string Title => "Verify: Kafka did not notice, the destination holds everything, the source is healthy";

    public override IReadOnlyList<string> ChecksBefore => ["source and destination independent"];

    public override IReadOnlyList<string> Actions => ["none (read only)"];

    public override IReadOnlyList<string> ChecksAfter =>
    [
        "every broker registered on the destination with the same broker epoch (czxid) and session as before the cut",
        "/controller_epoch unchanged across the cut",
        "every partition has a registered leader and a full ISR",
        "every znode the source held at the cut, up to the destination's highest zxid, is on the destination (version not older)",
        "the source still has one leader and its followers",
        "each staying tenant untouched on the source: connect strings as at baseline, registrations owned by the same sessions, no znode older than at baseline",
    ];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var checks = new List<CheckResult>();
        var before = context.Observed<KafkaBaseline>(PointOfNoReturnStep.StepId, "kafka");
        // The whole chroot is read while Kafka settles on the destination: neither waits for the other.
        var chroot = CheckChrootAsync(context, cancellationToken);
        KafkaState? after = null;
        try
        {
            await context.WaitUntilAsync("Kafka healthy on the destination", plan.Timeouts.BrokerRegistration, async ct =>
            {
                after = await context.Inspector.ReadKafkaStateAsync(plan.Destination, plan.Chroot, ct).ConfigureAwait(false);
                return ClusterQueries.IsKafkaHealthy(after, plan.Brokers.Select(b => b.Id), out _);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StepFailedException)
        {
            // Reported below with the details.
        }

        if (after is null)
        {
            checks.Add(new("kafka-readable", false, "could not read Kafka's state on the destination"));
        }
        else
        {
            checks.Add(new("partitions-healthy", ClusterQueries.IsKafkaHealthy(after, plan.Brokers.Select(b => b.Id), out var problem), problem.Length == 0 ? $"{after.PartitionCount} partitions, every leader registered, every ISR full" : problem));
            if (before is not null)
            {
                var epochs = plan.Brokers.Select(b => b.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(id =>
                {
                    var now = after.Brokers.TryGetValue(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), out var r) ? r : null;
                    var same = now is not null && before.BrokerEpochs.TryGetValue(id, out var e) && e == now.Czxid
                        && before.BrokerSessions.TryGetValue(id, out var s) && s == now.SessionId;
                    return (id, same, detail: $"{id}: {Zxid.Format(before.BrokerEpochs.GetValueOrDefault(id, -1))}→{Zxid.Format(now?.Czxid ?? -1)}");
                }).ToList();
                checks.Add(new("broker-epochs-unchanged", epochs.All(e => e.same), string.Join(", ", epochs.Select(e => e.detail))));
                checks.Add(new("controller-epoch-unchanged", before.ControllerEpoch == after.ControllerEpoch, $"{before.ControllerEpoch}→{after.ControllerEpoch}"));
            }
            else
            {
                checks.Add(new("broker-epochs-unchanged", false, "no baseline recorded at the point of no return"));
            }
        }

        checks.AddRange(await TenantSessions.CheckAsync(context, cancellationToken).ConfigureAwait(false));
        checks.AddRange(await StayingTenants.CheckAsync(context, cancellationToken).ConfigureAwait(false));
        checks.Add(await chroot.ConfigureAwait(false));

        var source = await ClusterQueries.ObserveAllAsync(context, plan.Source, cancellationToken).ConfigureAwait(false);
        var sourceLeader = ClusterQueries.SingleLeader(source);
        checks.Add(new("source-healthy", sourceLeader is not null && source.Values.Count(o => o.Mode == "follower") == plan.Source.Count - 1,
            string.Join(", ", source.Select(o => $"{o.Key}={o.Value.Mode ?? "down"}"))));

        await context.ObserveAsync("checks", checks, cancellationToken).ConfigureAwait(false);
        await CopiedTenantData.RecordAsync(context, cancellationToken).ConfigureAwait(false);
        foreach (var check in checks)
        {
            if (check.Passed)
            {
                context.Info($"✓ {check.Name}: {check.Detail}");
            }
            else
            {
                context.Warning($"✗ {check.Name}: {check.Detail}");
            }
        }

        var failed = checks.Where(c => !c.Passed).ToList();
        if (failed.Count > 0)
        {
            throw new StepFailedException(Id, "verification failed: " + string.Join("; ", failed.Select(f => $"{f.Name}: {f.Detail}")));
        }
    }

    private static async Task<CheckResult> CheckChrootAsync(StepContext context, CancellationToken cancellationToken)
    {
        var path = context.SideFile(SourceChrootAtCut.FileName);
        if (!File.Exists(path))
        {
            return new("chroot-on-destination", false, "no snapshot of the source taken at the cut");
        }

        var atCut = JsonSerializer.Deserialize<ChrootSnapshot>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), Journal.JournalJson.Options)!;
        var election = context.Observed<ElectionRecord>(ElectDestinationStep.StepId, "election");
        var bound = election?.HighestZxid ?? long.MaxValue;
        var now = await context.Inspector.SnapshotAsync(context.Plan.Destination, context.Plan.Chroot, cancellationToken).ConfigureAwait(false);
        var missing = ChrootComparison.MissingOnDestination(atCut, now, bound);
        var unacknowledged = atCut.Nodes.Count(n => !n.Value.Ephemeral && n.Value.Mzxid > bound);
        return new("chroot-on-destination", missing.Count == 0,
            missing.Count == 0
                ? $"{atCut.PersistentCount} persistent znodes at the cut, all present (destination now {now.Nodes.Count}); {unacknowledged} changed after the destination's last zxid {Zxid.Format(bound)} (never reached it, never acknowledged through it)"
                : $"{missing.Count} missing or older: {string.Join(", ", missing.Take(10))}");
    }
}

/// <summary>Compares the source's chroot at the cut with the destination's.</summary>
public static class ChrootComparison
{
    /// <summary>
    /// Persistent znodes of <paramref name="atCut"/> last changed at or below <paramref name="zxidBound"/> (the
    /// destination's highest zxid) that the destination lacks or holds at an older version. Nodes changed above
    /// the bound never reached any destination node, so no client saw them acknowledged through it.
    /// </summary>
    public static IReadOnlyList<string> MissingOnDestination(ChrootSnapshot atCut, ChrootSnapshot destination, long zxidBound) =>
        atCut.Nodes.Where(n => !n.Value.Ephemeral && n.Value.Mzxid <= zxidBound)
            .Where(n => !destination.Nodes.TryGetValue(n.Key, out var d) || d.Version < n.Value.Version)
            .Select(n => n.Key).Order(StringComparer.Ordinal).ToList();
}
