using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 3: while the tenants run, copies each moved chroot to the destination, faithfully (data, ACLs,
/// data versions, kinds), reading one source learner's data dir through its agent (<see cref="PreCopySource.Snapshot"/>,
/// no request to the shared source) or, with <c>preCopy: client</c> or an agent that cannot, the learner itself with
/// two reads in flight. A rerun copies only what differs. What the destination held at the chroot before is journaled first,
/// once: abort removes what the copy wrote from it.
/// </summary>
internal sealed class PreCopyStep : MigrationStep
{
    public const string StepId = "pre-copy";

    public override string Id => StepId;

    public override string Title => "Pre-copy: each moved chroot to the destination, faithful, from a source learner, while the tenants run";

    public override IReadOnlyList<string> ChecksBefore => ["preflight passed", "the destination's chroot recorded as absent, empty or merged (once, before any write)"];

    public override IReadOnlyList<string> Actions => ["read each moved chroot from a source follower's or observer's data dir through its agent (preCopy: snapshot, the default; preCopy: client reads the server, 2 reads in flight)", "write it to the destination (faithful, 4 multi batches in flight, batches under the destination's jute.maxbuffer)"];

    public override IReadOnlyList<string> ChecksAfter => ["every persistent source znode read was written or already equal; nothing needs credentials we lack"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var maxFrame = await CopyTrees.MaxFrameBytesAsync(context, cancellationToken).ConfigureAwait(false);
        var readFrom = await CopyTrees.ReadServerAsync(context, cancellationToken).ConfigureAwait(false);
        foreach (var chroot in CopyTrees.Chroots(plan))
        {
            if (context.Observed<string>(StepId, CopyTrees.BeforeKey(chroot)) is null)
            {
                await context.ObserveAsync(CopyTrees.BeforeKey(chroot), await DestinationStateAsync(context, chroot, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }

            // The rate counts the whole pre-copy: the agent's read of the data dir and its stream included.
            var started = context.Time.GetTimestamp();
            var snapshot = plan.PreCopy == PreCopySource.Snapshot ? await ReadSnapshotAsync(context, readFrom, chroot, cancellationToken).ConfigureAwait(false) : null;
            var read = context.Time.GetElapsedTime(started);
            var options = CopyTrees.Options(plan, readFrom, chroot, maxFrame) with { SourceSnapshot = snapshot };
            var summary = await TreeCopier.CopyAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (summary.NeedsCredentials.Count > 0)
            {
                throw new StepFailedException(Id, $"{chroot}: {summary.NeedsCredentials.Count} znode(s) could not be copied: {string.Join("; ", summary.NeedsCredentials.Take(3))}");
            }

            var source = snapshot?.Description ?? readFrom.ClientEndpoint;
            var elapsed = context.Time.GetElapsedTime(started);
            var rate = summary.SourceNodes / Math.Max(elapsed.TotalSeconds, 1e-3);
            if (snapshot is not null)
            {
                context.Services.PreCopySnapshots[chroot] = snapshot;
            }

            await context.ObserveAsync("copy:" + chroot, new CopyFigures(summary.SourceNodes, summary.Created, summary.DataUpdated, summary.AclUpdated, summary.Deleted, summary.Unchanged, elapsed.TotalMilliseconds, rate, source) { SnapshotZxid = snapshot?.Zxid, SnapshotReadMilliseconds = snapshot is null ? null : read.TotalMilliseconds }, cancellationToken).ConfigureAwait(false);
            context.Info($"{chroot}: {summary.SourceNodes} znodes read from {source}, {summary.Created} created, {summary.DataUpdated} updated, {summary.Deleted} deleted on the destination in {elapsed.TotalSeconds:0.0} s, reading included ({rate:0}/s)");
        }
    }

    /// <summary>
    /// The chroot as <paramref name="readFrom"/>'s agent reads it from its data dir, or null (with a warning) when the
    /// agent cannot: an older agent without ReadTree, a data dir it cannot read. The pre-copy then reads the server.
    /// </summary>
    private static async Task<ChrootSnapshot?> ReadSnapshotAsync(StepContext context, ServerSpec readFrom, string chroot, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await context.Agent(readFrom.Agent).ReadTreeAsync(chroot, cancellationToken).ConfigureAwait(false);
            foreach (var warning in snapshot.Warnings)
            {
                context.Warning($"{chroot}: reading the data dir of {readFrom.Host}: {warning}", readFrom.Host);
            }

            context.Info($"{chroot}: {snapshot.Count} znodes read from {snapshot.Description}");
            return snapshot;
        }
        catch (AgentCallException e)
        {
            context.Warning($"{chroot}: the agent could not read the tree from the data dir of {readFrom.Host} ({e.Message}): the pre-copy reads the server through the client instead", readFrom.Host);
            return null;
        }
    }

    private static async Task<string> DestinationStateAsync(StepContext context, string chroot, CancellationToken cancellationToken)
    {
        await using var client = await CopyTrees.ConnectDestinationAsync(context.Plan, cancellationToken).ConfigureAwait(false);
        return await client.ExistsAsync(chroot, cancellationToken: cancellationToken).ConfigureAwait(false) switch
        {
            null => CopyTrees.Absent,
            { NumChildren: 0 } => CopyTrees.Empty,
            _ => CopyTrees.Merged,
        };
    }
}

/// <summary>One chroot's pre-copy, as journaled and reported: counts, milliseconds and znodes per second of the whole pre-copy (the agent's read of the data dir included), what was read (a server, or a data dir's snapshot).</summary>
public sealed record CopyFigures(long SourceNodes, long Created, long DataUpdated, long AclUpdated, long Deleted, long Unchanged, double Milliseconds, double ZnodesPerSecond, string ReadFrom)
{
    /// <summary>The zxid of the source tree the pre-copy read from a data dir; null when it read the server.</summary>
    public long? SnapshotZxid { get; init; }

    /// <summary>Of <see cref="Milliseconds"/>, the agent's read of the data dir and its stream; null when it read the server.</summary>
    public double? SnapshotReadMilliseconds { get; init; }
}
