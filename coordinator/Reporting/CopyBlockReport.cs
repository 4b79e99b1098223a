using System.Globalization;
using System.Text;
using System.Text.Json;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Journal;

namespace ZkMitosis.Coordinator.Reporting;

/// <summary>
/// Strategy copy's two outage figures, kept apart (docs/copy-strategy.md): the ZooKeeper-side block, from the last
/// tenant host stopped to the destination verified equal (the mirror's drain plus the diff), and the tenants' whole
/// downtime, from the first host stopped to every health gate passing on the destination (it adds the stops, the
/// confirmation, the switch, the tenants' own starts). Null figures: the run has not got that far.
/// </summary>
public sealed record CopyBlockReport
{
    public DateTimeOffset? FirstStopAt { get; init; }
    public DateTimeOffset? LastStoppedAt { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset? HealthyAt { get; init; }

    /// <summary>The source's zxid read after the last host stopped, which the mirror drained to.</summary>
    public long? BlockZxid { get; init; }

    /// <summary>Last host stopped → destination verified, in ms.</summary>
    public double? ZooKeeperBlockMs => LastStoppedAt is { } from && VerifiedAt is { } to ? (to - from).TotalMilliseconds : null;

    /// <summary>First host stopped → every moved tenant healthy on the destination, in ms.</summary>
    public double? TenantDowntimeMs => FirstStopAt is { } from && HealthyAt is { } to ? (to - from).TotalMilliseconds : null;

    /// <summary>Each chroot's pre-copy.</summary>
    public IReadOnlyDictionary<string, CopyFigures> PreCopy { get; init; } = new Dictionary<string, CopyFigures>();

    /// <summary>Each chroot's mirror, as last journaled (after the drain when it ran).</summary>
    public IReadOnlyDictionary<string, MirrorFigures> Mirror { get; init; } = new Dictionary<string, MirrorFigures>();

    /// <summary>The figures journaled by a copy run, or null for a run of another strategy.</summary>
    public static CopyBlockReport? From(Plans.MigrationPlan plan, JournalState state)
    {
        if (plan.Strategy != Plans.MigrationStrategy.Copy)
        {
            return null;
        }

        T? Read<T>(string step, string key) => state.Observation(step, key) is { } node ? node.Deserialize<T>(JournalJson.Options) : default;
        var chroots = CopyTrees.Chroots(plan);
        return new CopyBlockReport
        {
            FirstStopAt = Read<DateTimeOffset?>(BlockStep.StepId, BlockStep.FirstStopKey),
            LastStoppedAt = Read<DateTimeOffset?>(BlockStep.StepId, BlockStep.LastStoppedKey),
            VerifiedAt = Read<DateTimeOffset?>(VerifyCopyStep.StepId, VerifyCopyStep.VerifiedKey),
            HealthyAt = Read<DateTimeOffset?>(TenantHealthStep.StepId, TenantHealthStep.HealthyKey),
            BlockZxid = Read<long?>(BlockStep.StepId, BlockStep.ZxidKey),
            PreCopy = chroots.Select(c => (c, Figures: Read<CopyFigures>(PreCopyStep.StepId, "copy:" + c))).Where(x => x.Figures is not null).ToDictionary(x => x.c, x => x.Figures!),
            Mirror = chroots.Select(c => (c, Figures: Read<MirrorFigures>(DrainStep.StepId, "mirror:" + c) ?? Read<MirrorFigures>(StartMirrorStep.StepId, "mirror:" + c)))
                .Where(x => x.Figures is not null).ToDictionary(x => x.c, x => x.Figures!),
        };
    }

    /// <summary>The report's text section.</summary>
    public void AppendText(StringBuilder text)
    {
        var inv = CultureInfo.InvariantCulture;
        text.Append("\nCopy strategy\n");
        foreach (var (chroot, copy) in PreCopy)
        {
            text.Append(inv, $"  pre-copy {chroot}: {copy.SourceNodes} znodes from {copy.ReadFrom} in {copy.Milliseconds:0} ms ({copy.ZnodesPerSecond:0}/s), {copy.Created} created, {copy.DataUpdated} updated, {copy.Deleted} deleted\n");
        }

        foreach (var (chroot, mirror) in Mirror)
        {
            text.Append(inv, $"  mirror {chroot}: {mirror.EventsApplied} events applied, lag {mirror.LagMs:0} ms, {mirror.Rescans} re-scans, {mirror.Resyncs} resyncs\n");
        }

        text.Append(inv, $"  ZooKeeper-side block (last host stopped → destination verified): {(ZooKeeperBlockMs is { } block ? $"{block:0} ms" : "not measured")}\n");
        text.Append(inv, $"  tenant downtime (first host stopped → healthy on the destination): {(TenantDowntimeMs is { } down ? $"{down:0} ms" : "not measured")}\n");
    }
}
