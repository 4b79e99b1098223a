using ZkMitosis.Coordinator.Mirror;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 6: waits until each mirror has applied every source change up to the block's zxid, and stops
/// it. What no watch shows (setACL) is left to the verify step's diff, which repairs it. After a resume the mirror is started again first:
/// its catch-up copy carries what changed while no mirror ran.
/// </summary>
internal sealed class DrainStep : MigrationStep
{
    public const string StepId = "drain";

    public override string Id => StepId;

    public override string Title => "Drain: every mirror applies the source's changes up to the block's zxid, then stops";

    public override IReadOnlyList<string> ChecksBefore => ["every moved tenant stopped; the block's zxid recorded"];

    public override IReadOnlyList<string> Actions => ["wait until each mirror has applied every change up to the block's zxid, stop it", "meanwhile (preCopy snapshot): read each chroot from a source learner's data dir at or past the block's zxid, for the verify"];

    public override IReadOnlyList<string> ChecksAfter => ["each mirror's applied zxid is at or past the block's zxid"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var zxid = context.Observed<long?>(BlockStep.StepId, BlockStep.ZxidKey) ?? throw new StepFailedException(Id, "the block recorded no source zxid");
        if (context.Plan.PreCopy == Plans.PreCopySource.Snapshot)
        {
            // The verify's source side, read while the mirrors drain: the stopped tenants' chroots no longer change.
            var readFrom = await CopyTrees.ReadServerAsync(context, cancellationToken).ConfigureAwait(false);
            foreach (var chroot in CopyTrees.Chroots(context.Plan))
            {
                context.Services.BlockSourceReads[chroot] = VerifyCopyStep.ReadSourceAtAsync(context, readFrom, chroot, zxid, cancellationToken);
            }
        }

        foreach (var chroot in CopyTrees.Chroots(context.Plan))
        {
            var mirror = await StartMirrorStep.EnsureAsync(context, chroot, cancellationToken).ConfigureAwait(false);
            MirrorStatus status;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(context.Plan.Timeouts.CatchUp);
                try
                {
                    // No last re-scan of the whole chroot inside the block: the verify's diff compares everything,
                    // and repairs what no watch showed (setACL).
                    status = await mirror.StopAfterAsync(zxid, finalRescan: false, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new StepFailedException(Id, $"the mirror of {chroot} did not reach zxid {Zxid.Format(zxid)} within {context.Plan.Timeouts.CatchUp.TotalSeconds:0}s (applied {Zxid.Format(mirror.Status.AppliedZxid)})");
                }
                catch (Exception e) when (e is MirrorException or Copy.CopyException or ZooKeeper.KeeperException)
                {
                    throw new StepFailedException(Id, $"the mirror of {chroot} failed: {e.Message}", e);
                }
                finally
                {
                    await context.Services.Mirrors.RemoveAsync(chroot).ConfigureAwait(false);
                }
            }

            await context.ObserveAsync("mirror:" + chroot, MirrorFigures.From(status), cancellationToken).ConfigureAwait(false);
            context.Info($"{chroot}: mirror drained to {Zxid.Format(status.AppliedZxid)} ({status.EventsApplied} events applied, {status.Rescans} re-scans, {status.Resyncs} resyncs)");
        }
    }
}
