using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 7: the destination's copy of each moved chroot equals the source's, faithfully (data, ACLs,
/// data versions, sequential counters; ephemerals left out, as the stopped tenants' are gone or going). Its end is
/// the end of the ZooKeeper-side block. A difference found first (an ACL set while the mirror ran: no watch shows it) is
/// repaired by one faithful copy and compared again; only a difference that remains fails the step.
/// </summary>
internal sealed class VerifyCopyStep : MigrationStep
{
    public const string StepId = "verify-copy";

    /// <summary>When every chroot was verified equal (observation, <see cref="DateTimeOffset"/>): the ZooKeeper-side block ends.</summary>
    public const string VerifiedKey = "verified-at";

    public override string Id => StepId;

    public override string Title => "Verify: each moved chroot on the destination equals the source's, faithfully";

    public override IReadOnlyList<string> ChecksBefore => ["every mirror drained to the block's zxid", "the source learner read has reached the block's zxid"];

    public override IReadOnlyList<string> Actions => ["diff each chroot, source learner against the destination (data, ACLs, data versions, sequential counters): with preCopy snapshot, both read by their agents from the data dirs and compared in memory", "where they differ (setACL shows no watch event): one faithful copy, then the diff again"];

    public override IReadOnlyList<string> ChecksAfter => ["no difference"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var zxid = context.Observed<long?>(BlockStep.StepId, BlockStep.ZxidKey) ?? throw new StepFailedException(Id, "the block recorded no source zxid");
        var readFrom = await CopyTrees.ReadServerAsync(context, cancellationToken).ConfigureAwait(false);
        await context.WaitUntilAsync($"source server {readFrom.Id} at zxid {Zxid.Format(zxid)}", plan.Timeouts.CatchUp,
            async ct => (await context.Inspector.ObserveServerAsync(readFrom, ct).ConfigureAwait(false)).Zxid >= zxid, cancellationToken).ConfigureAwait(false);
        var maxFrame = await CopyTrees.MaxFrameBytesAsync(context, cancellationToken).ConfigureAwait(false);
        foreach (var chroot in CopyTrees.Chroots(plan))
        {
            var (diff, fromDataDirs) = await DiffAsync(context, readFrom, chroot, zxid, maxFrame, cancellationToken).ConfigureAwait(false);
            if (!diff.Equal)
            {
                // Nothing writes the chroot now (its tenants are stopped, the mirror drained): what differs is what no
                // watch shows (setACL) or a change the mirror missed. One faithful copy repairs it; the diff decides.
                context.Warning($"{chroot}: the destination differs from the source in {diff.DifferenceCount} place(s) after the drain ({Describe(diff)}): repairing with a faithful copy, then comparing again");
                var repair = await TreeCopier.CopyAsync(CopyTrees.Options(plan, readFrom, chroot, maxFrame) with
                {
                    // No mirror runs: the counters can be raised here without counting a child twice.
                    SequentialCounters = true,
                    ReadsInFlight = 8,
                    // The pre-copy's base, not the tree just read: a source ACL from the base is taken as the target's
                    // too, and an ACL set since the pre-copy is what the repair must find.
                    AclBase = context.Services.PreCopySnapshots.GetValueOrDefault(chroot),
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                await context.ObserveAsync("repair:" + chroot, new { created = repair.Created, dataUpdated = repair.DataUpdated, aclUpdated = repair.AclUpdated, deleted = repair.Deleted, versionBumps = repair.VersionBumps, sequenceBumps = repair.SequenceBumps }, cancellationToken).ConfigureAwait(false);
                (diff, fromDataDirs) = await DiffAsync(context, readFrom, chroot, zxid, maxFrame, cancellationToken).ConfigureAwait(false);
            }

            var where = fromDataDirs ? "from the data dirs" : "through the client";
            await context.ObserveAsync("diff:" + chroot, new { compared = diff.Compared, differences = diff.DifferenceCount, milliseconds = diff.Elapsed.TotalMilliseconds, read = where }, cancellationToken).ConfigureAwait(false);
            if (!diff.Equal)
            {
                throw new StepFailedException(Id, $"{chroot}: the destination differs from the source in {diff.DifferenceCount} place(s): {Describe(diff)}");
            }

            context.Info($"{chroot}: {diff.Compared} znodes equal on the destination (faithful, read {where}) in {diff.Elapsed.TotalMilliseconds:0} ms");
        }

        await context.ObserveAsync(VerifiedKey, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The faithful diff of <paramref name="chroot"/>, and whether both sides were read from data dirs. With
    /// <c>preCopy: snapshot</c>, both sides are read by their agents from the data dirs, in parallel, and compared in
    /// memory: the source learner at or past the block's zxid (nothing writes the chroot since), the destination server
    /// with the highest zxid at or past it (every mirror write is acknowledged, hence logged there). An agent that cannot
    /// read, or a read short of its zxid, falls back (with a warning) to the diff through the client.
    /// </summary>
    private static async Task<(DiffResult Diff, bool FromDataDirs)> DiffAsync(
        StepContext context, Plans.ServerSpec readFrom, string chroot, long blockZxid, int maxFrame, CancellationToken cancellationToken)
    {
        if (context.Plan.PreCopy == Plans.PreCopySource.Snapshot)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var observed = await ClusterQueries.ObserveAllAsync(context, context.Plan.Destination, cancellationToken).ConfigureAwait(false);
            var newest = context.Plan.Destination.Where(d => observed[d.Id].Serving).MaxBy(d => observed[d.Id].Zxid);
            if (newest is not null)
            {
                // The drain's read of the source when there is one (once: a diff after a repair reads again).
                var sourceRead = context.Services.BlockSourceReads.TryRemove(chroot, out var started) ? started : ReadSourceAtAsync(context, readFrom, chroot, blockZxid, cancellationToken);
                var reads = await Task.WhenAll(
                    TimedAsync(sourceRead),
                    TimedAsync(ReadAtAsync(context, newest, chroot, observed[newest.Id].Zxid, cancellationToken))).ConfigureAwait(false);
                if (reads[0].Tree is { } source && reads[1].Tree is { } target)
                {
                    var diff = SnapshotDiffer.Diff(source, target, faithful: true, ListedDifferences);
                    context.Info($"{chroot}: read from the data dirs of the source ({source.Description}, {reads[0].Milliseconds:0} ms more{(started is null ? "" : " after the drain")}) and of {newest.Host} at {Zxid.Format(target.Zxid)} in {reads[1].Milliseconds:0} ms; compared in {diff.Elapsed.TotalMilliseconds:0} ms");
                    return (diff with { Elapsed = clock.Elapsed }, true);
                }
            }
            else
            {
                context.Warning($"{chroot}: no destination server serving to read the data dir of: the diff reads through the client");
            }
        }

        return (await ClientDiffAsync(context, readFrom, chroot, maxFrame, cancellationToken).ConfigureAwait(false), false);
    }

    /// <summary>
    /// The source learner <paramref name="readFrom"/>'s tree of <paramref name="chroot"/> from its data dir, once the
    /// learner has reached the block's <paramref name="zxid"/>; null (with a warning) when it cannot be read there.
    /// </summary>
    internal static async Task<Copy.ChrootSnapshot?> ReadSourceAtAsync(StepContext context, Plans.ServerSpec readFrom, string chroot, long zxid, CancellationToken cancellationToken)
    {
        try
        {
            await context.WaitUntilAsync($"source server {readFrom.Id} at zxid {Zxid.Format(zxid)}", context.Plan.Timeouts.CatchUp,
                async ct => (await context.Inspector.ObserveServerAsync(readFrom, ct).ConfigureAwait(false)).Zxid >= zxid, cancellationToken).ConfigureAwait(false);
            return await ReadAtAsync(context, readFrom, chroot, zxid, cancellationToken).ConfigureAwait(false);
        }
        catch (StepFailedException e)
        {
            context.Warning($"{chroot}: {e.Message}: the diff reads through the client", readFrom.Host);
            return null;
        }
    }

    /// <summary>
    /// <paramref name="server"/>'s tree of <paramref name="chroot"/> from its data dir, at or past <paramref name="zxid"/>;
    /// null (with a warning) when its agent cannot read it, or its log has not reached the zxid after a few reads.
    /// </summary>
    private static async Task<Copy.ChrootSnapshot?> ReadAtAsync(StepContext context, Plans.ServerSpec server, string chroot, long zxid, CancellationToken cancellationToken)
    {
        const int Reads = 3;
        for (var read = 1; ; read++)
        {
            Copy.ChrootSnapshot tree;
            try
            {
                tree = await context.Agent(server.Agent).ReadTreeAsync(chroot, cancellationToken).ConfigureAwait(false);
            }
            catch (Agents.AgentCallException e)
            {
                context.Warning($"{chroot}: the agent could not read the tree from the data dir of {server.Host} ({e.Message}): the diff reads through the client", server.Host);
                return null;
            }

            if (tree.Zxid >= zxid)
            {
                return tree;
            }

            if (read == Reads)
            {
                context.Warning($"{chroot}: the data dir of {server.Host} reads at zxid {Zxid.Format(tree.Zxid)}, short of {Zxid.Format(zxid)}, after {Reads} reads: the diff reads through the client", server.Host);
                return null;
            }

            // Logged before it is acknowledged, but a server's log may trail the quorum's commit by a moment.
            await Task.Delay(TimeSpan.FromMilliseconds(100), context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private const int ListedDifferences = 20;

    private static async Task<(Copy.ChrootSnapshot? Tree, double Milliseconds)> TimedAsync(Task<Copy.ChrootSnapshot?> read)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var tree = await read.ConfigureAwait(false);
        return (tree, clock.Elapsed.TotalMilliseconds);
    }

    private static Task<DiffResult> ClientDiffAsync(StepContext context, Plans.ServerSpec readFrom, string chroot, int maxFrame, CancellationToken cancellationToken)
    {
        var sides = CopyTrees.Sides(context.Plan, readFrom, chroot);
        return TreeDiffer.DiffAsync(new DiffOptions
        {
            Source = sides.Source,
            Target = sides.Target,
            SourceSecurity = sides.SourceSecurity,
            TargetSecurity = sides.TargetSecurity,
            Faithful = true,
            MaxFrameBytes = maxFrame,
            ListedDifferences = ListedDifferences,

            // The source's ACLs from the pre-copy's snapshot where the znode is the same and its ACL unchanged
            // since (exact); every destination ACL is read.
            AclBase = context.Services.PreCopySnapshots.GetValueOrDefault(chroot),
        }, cancellationToken: cancellationToken);
    }

    private static string Describe(DiffResult diff) =>
        string.Join("; ", diff.Differences.Take(5).Select(d => $"{d.Kind} {d.Path}{(d.Detail is null ? "" : $" ({d.Detail})")}"));
}
