using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>What strategy copy reads and writes: the moved chroots, on which servers, within which request size.</summary>
internal static class CopyTrees
{
    /// <summary>
    /// Bytes kept free in a request for everything a znode's create carries besides its data: the request header,
    /// the path, a few ACLs and the multi's framing.
    /// </summary>
    public const int RequestHeadroomBytes = 4096;

    /// <summary>The chroot was absent on the destination before the copy: abort removes it with everything below.</summary>
    public const string Absent = "absent";

    /// <summary>The chroot existed without children: abort removes its children and keeps it.</summary>
    public const string Empty = "empty";

    /// <summary>The chroot held data (<c>merge:</c>): the copy replaced it; abort leaves it as the copy left it.</summary>
    public const string Merged = "merged";

    /// <summary>The moved tenants' chroots, each once, in plan order.</summary>
    public static IReadOnlyList<string> Chroots(MigrationPlan plan) => plan.MovedTenants.Select(t => t.Chroot).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Where and as whom the copy, the mirror and the diff reach both ensembles: <paramref name="readFrom"/> of the
    /// source and the whole destination on the ports their sessions use, with each ensemble's TLS and SASL, from the
    /// plan's <c>security</c> sections (<see cref="EnsembleAccess"/>). A digest login is refused with this strategy by
    /// the plan's validation.
    /// </summary>
    /// <exception cref="FileNotFoundException">A credentials file is gone since the plan was validated.</exception>
    /// <exception cref="InvalidDataException">A credentials file no longer gives a user and a password.</exception>
    public static CopySides Sides(MigrationPlan plan, ServerSpec readFrom, string chroot)
    {
        var source = EnsembleAccess.Source(plan);
        var destination = EnsembleAccess.Destination(plan);
        return new CopySides(
            new TreeLocation(source.Hosts([readFrom]), chroot),
            new TreeLocation(destination.Hosts(), chroot),
            source.ClientSecurity(),
            destination.ClientSecurity());
    }

    /// <summary>A session on the whole destination with the plan's security (<see cref="EnsembleAccess.ConnectAsync"/>), outside any chroot.</summary>
    /// <exception cref="EnsembleAccessException">The session could not be made or authenticated.</exception>
    public static Task<ZooKeeperClient> ConnectDestinationAsync(MigrationPlan plan, CancellationToken cancellationToken) =>
        EnsembleAccess.Destination(plan).ConnectAsync("", new ZooKeeperClientOptions(), cancellationToken);

    /// <summary>The key of the observation of a chroot's state on the destination before the copy wrote it.</summary>
    public static string BeforeKey(string chroot) => "destination-before:" + chroot;

    /// <summary>
    /// The source server the copy, the mirror and the diff read from: a follower or observer (a whole-tree read must
    /// queue on one learner, not on the leader every write of every tenant goes through), else any serving server.
    /// </summary>
    /// <exception cref="StepFailedException">no source server serves.</exception>
    public static async Task<ServerSpec> ReadServerAsync(StepContext context, CancellationToken cancellationToken)
    {
        var observed = await ClusterQueries.ObserveAllAsync(context, context.Plan.Source, cancellationToken).ConfigureAwait(false);
        var learner = context.Plan.Source.FirstOrDefault(s => observed[s.Id].Mode is "follower" or "observer")
            ?? context.Plan.Source.FirstOrDefault(s => observed[s.Id].Serving);
        return learner ?? throw new StepFailedException(context.StepId, "no source server serves");
    }

    /// <summary>The key of preflight's observation of the destination's <c>jute.maxbuffer</c> (bytes, an int).</summary>
    public const string MaxFrameKey = "destination-jute-maxbuffer";

    /// <summary>
    /// The destination's <c>jute.maxbuffer</c> as preflight journaled it (<see cref="MaxFrameKey"/>): every step sizes
    /// its requests by that one value, whatever the agents answer when it runs or resumes. A journal without it (a run
    /// begun by an earlier version) gets it read now, with a warning.
    /// </summary>
    public static async Task<int> MaxFrameBytesAsync(StepContext context, CancellationToken cancellationToken)
    {
        if (context.Observed<int?>(PreflightStepBase.StepId, MaxFrameKey) is { } journaled)
        {
            return journaled;
        }

        var read = await ReadDestinationMaxFrameBytesAsync(context, cancellationToken).ConfigureAwait(false);
        context.Warning($"preflight journaled no destination jute.maxbuffer (a run begun by an earlier version): read now, {read} bytes");
        return read;
    }

    /// <summary>
    /// Reads the destination's <c>jute.maxbuffer</c> (the largest request a server accepts) through its agents (one
    /// Describe each): the smallest value a destination node's agent reads from its JVM's options
    /// (<see cref="JuteMaxBufferCheck"/>; ZooKeeper takes it only as a JVM system property, BinaryInputArchive), else
    /// ZooKeeper's default 0xfffff for a node whose value is unknown. Preflight reads it; the other steps use
    /// <see cref="MaxFrameBytesAsync"/>.
    /// </summary>
    public static async Task<int> ReadDestinationMaxFrameBytesAsync(StepContext context, CancellationToken cancellationToken)
    {
        var limit = ZooKeeperClientOptions.DefaultMaxFrameBytes;
        foreach (var server in await JuteMaxBufferCheck.ReadAsync(context, sourceToo: false, cancellationToken).ConfigureAwait(false))
        {
            if (server.Bytes > 0)
            {
                limit = (int)Math.Min(limit, server.Bytes);
            }
        }

        return limit;
    }

    /// <summary>The copy options of one chroot, from <paramref name="readFrom"/> to the destination, faithful, bounded in flight.</summary>
    public static CopyOptions Options(MigrationPlan plan, ServerSpec readFrom, string chroot, int maxFrameBytes) => Options(Sides(plan, readFrom, chroot), maxFrameBytes);

    private static CopyOptions Options(CopySides sides, int maxFrameBytes) => new()
    {
        Source = sides.Source,
        Target = sides.Target,
        SourceSecurity = sides.SourceSecurity,
        TargetSecurity = sides.TargetSecurity,
        Faithful = true,

        // The mirror that follows raises the sequential counters once it has applied its children's events: raised
        // here too, a child created between this copy's read of its parent and the mirror's start would be counted
        // twice, and a counter cannot be lowered (seen in the lab: 10 above the source's after 0.5 s of writes).
        SequentialCounters = false,

        // The destination's chroot was absent or empty, or merge: allowed replacing what it held.
        Delete = true,

        // Two reads in flight on one learner: the source's other tenants share it.
        ReadsInFlight = 2,
        BatchesInFlight = 4,
        MaxFrameBytes = maxFrameBytes,
        MaxBatchBytes = Math.Min(512 * 1024, maxFrameBytes / 2),
    };
}

/// <summary>
/// Both sides of a copy, mirror or diff as <see cref="CopyTrees.Sides"/> makes them: locations on the session ports,
/// and each side's TLS and SASL.
/// </summary>
internal sealed record CopySides(TreeLocation Source, TreeLocation Target, ZooKeeperSecurity SourceSecurity, ZooKeeperSecurity TargetSecurity);
