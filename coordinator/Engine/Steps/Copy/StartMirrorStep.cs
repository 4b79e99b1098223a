using ZkMitosis.Coordinator.Mirror;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 4: starts the live mirror of each moved chroot (a persistent recursive watch on a source
/// learner, then a catch-up copy of what changed since the pre-copy) and waits until it follows. The mirror lives in
/// this process; the drain step starts it again after a resume.
/// </summary>
internal sealed class StartMirrorStep : MigrationStep
{
    public const string StepId = "mirror";

    public override string Id => StepId;

    public override string Title => "Live mirror: follow each moved chroot (addWatch, recursive) and apply every change to the destination";

    public override IReadOnlyList<string> ChecksBefore => ["pre-copy done"];

    public override IReadOnlyList<string> Actions => ["register a persistent recursive watch on each chroot on a source learner", "catch-up copy of what changed since the pre-copy, then apply every event in order"];

    public override IReadOnlyList<string> ChecksAfter => ["every mirror follows (its initial catch-up done), lag reported"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        foreach (var chroot in CopyTrees.Chroots(context.Plan))
        {
            var mirror = await EnsureAsync(context, chroot, cancellationToken).ConfigureAwait(false);
            var status = mirror.Status;
            await context.ObserveAsync("mirror:" + chroot, MirrorFigures.From(status), cancellationToken).ConfigureAwait(false);
            context.Info($"{chroot}: mirror follows (lag {status.LagMs:0} ms, {status.LagTxns} txns)");
        }
    }

    /// <summary>The running mirror of <paramref name="chroot"/>, started (and waited for until it follows) when this process has none.</summary>
    /// <exception cref="StepFailedException">the mirror failed, or did not finish its catch-up within the plan's catchUp timeout.</exception>
    internal static async Task<TreeMirror> EnsureAsync(StepContext context, string chroot, CancellationToken cancellationToken)
    {
        if (context.Services.Mirrors.Get(chroot) is { } running)
        {
            return running;
        }

        var plan = context.Plan;
        var readFrom = await CopyTrees.ReadServerAsync(context, cancellationToken).ConfigureAwait(false);
        var maxFrame = await CopyTrees.MaxFrameBytesAsync(context, cancellationToken).ConfigureAwait(false);
        var sides = CopyTrees.Sides(plan, readFrom, chroot);
        var mirror = TreeMirror.Start(new MirrorOptions
        {
            Source = sides.Source,
            Target = sides.Target,
            SourceSecurity = sides.SourceSecurity,
            TargetSecurity = sides.TargetSecurity,

            // The drain waits for a mark at or past the block's zxid: a short interval keeps that wait short.
            MarkInterval = TimeSpan.FromMilliseconds(50),
            MaxFrameBytes = maxFrame,
            AclBase = context.Services.PreCopySnapshots.GetValueOrDefault(chroot),
        });
        context.Services.Mirrors.Add(chroot, mirror);
        context.Info($"{chroot}: mirror started from {readFrom.ClientEndpoint}");
        var started = context.Time.GetTimestamp();
        while (mirror.Status is not { Phase: MirrorPhase.Following, AppliedZxid: >= 0 })
        {
            if (mirror.Completion.IsCompleted)
            {
                await context.Services.Mirrors.RemoveAsync(chroot).ConfigureAwait(false);
                throw new StepFailedException(context.StepId, $"the mirror of {chroot} stopped: {mirror.Completion.Exception?.GetBaseException().Message ?? "no error"}", mirror.Completion.Exception?.GetBaseException());
            }

            if (context.Time.GetElapsedTime(started) > plan.Timeouts.CatchUp)
            {
                throw new StepFailedException(context.StepId, $"timed out after {plan.Timeouts.CatchUp.TotalSeconds:0}s waiting for the mirror of {chroot} to follow (phase {mirror.Status.Phase})");
            }

            await Task.WhenAny(mirror.Completion, Task.Delay(plan.Intervals.Poll, context.Time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return mirror;
    }
}

/// <summary>A mirror's figures as journaled and reported.</summary>
public sealed record MirrorFigures(long EventsApplied, long Created, long DataUpdated, long Deleted, int Rescans, int Resyncs, long SourceZxid, long AppliedZxid, long LagTxns, double LagMs, IReadOnlyList<string> Unfaithful)
{
    public static MirrorFigures From(MirrorStatus status) =>
        new(status.EventsApplied, status.Created, status.DataUpdated, status.Deleted, status.Rescans, status.Resyncs, status.SourceZxid, status.AppliedZxid, status.LagTxns, status.LagMs, status.Unfaithful);
}
