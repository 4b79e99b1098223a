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

    public override IReadOnlyList<string> Actions => ["diff each chroot, source learner against the destination (data, ACLs, data versions, sequential counters)", "where they differ (setACL shows no watch event): one faithful copy, then the diff again"];

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
            var diff = await DiffAsync(context, readFrom, chroot, maxFrame, cancellationToken).ConfigureAwait(false);
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
                    AclBase = context.Services.PreCopySnapshots.GetValueOrDefault(chroot),
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                await context.ObserveAsync("repair:" + chroot, new { created = repair.Created, dataUpdated = repair.DataUpdated, aclUpdated = repair.AclUpdated, deleted = repair.Deleted, versionBumps = repair.VersionBumps, sequenceBumps = repair.SequenceBumps }, cancellationToken).ConfigureAwait(false);
                diff = await DiffAsync(context, readFrom, chroot, maxFrame, cancellationToken).ConfigureAwait(false);
            }

            await context.ObserveAsync("diff:" + chroot, new { compared = diff.Compared, differences = diff.DifferenceCount, milliseconds = diff.Elapsed.TotalMilliseconds }, cancellationToken).ConfigureAwait(false);
            if (!diff.Equal)
            {
                throw new StepFailedException(Id, $"{chroot}: the destination differs from the source in {diff.DifferenceCount} place(s): {Describe(diff)}");
            }

            context.Info($"{chroot}: {diff.Compared} znodes equal on the destination (faithful) in {diff.Elapsed.TotalMilliseconds:0} ms");
        }

        await context.ObserveAsync(VerifiedKey, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private static Task<DiffResult> DiffAsync(StepContext context, Plans.ServerSpec readFrom, string chroot, int maxFrame, CancellationToken cancellationToken) =>
        TreeDiffer.DiffAsync(new DiffOptions
        {
            Source = new TreeLocation(readFrom.ClientEndpoint, chroot),
            Target = new TreeLocation(CopyTrees.Hosts(context.Plan.Destination), chroot),
            Faithful = true,
            MaxFrameBytes = maxFrame,
            ListedDifferences = 20,

            // The source's ACLs from the pre-copy's snapshot where the znode is the same and its ACL unchanged
            // since (exact); every destination ACL is read.
            AclBase = context.Services.PreCopySnapshots.GetValueOrDefault(chroot),
        }, cancellationToken: cancellationToken);

    private static string Describe(DiffResult diff) =>
        string.Join("; ", diff.Differences.Take(5).Select(d => $"{d.Kind} {d.Path}{(d.Detail is null ? "" : $" ({d.Detail})")}"));
}
