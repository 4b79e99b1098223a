using ZkMitosis.Coordinator.Copy;

namespace ZkMitosis.Coordinator.Mirror;

/// <summary>What <see cref="TreeMirror"/> follows and where it writes.</summary>
public sealed record MirrorOptions
{
    /// <summary>The source subtree (its root must exist).</summary>
    public required TreeLocation Source { get; init; }

    /// <summary>The target subtree; created (with its parents) when absent.</summary>
    public required TreeLocation Target { get; init; }

    /// <summary>Stop once every source change up to this zxid is applied (and a last re-scan ran); null runs until stopped.</summary>
    public long? UntilZxid { get; init; }

    /// <summary>
    /// How often the safety-net re-scan runs. A watch shows no setACL, so ACL changes reach the target through it
    /// (the re-scan compares every znode whose aversion is above 0, and rewrites what changed since the previous
    /// one by mtime). Default 60 s; <see cref="TimeSpan.Zero"/> or less turns the periodic re-scan off.
    /// </summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a caught-up mirror asks the source for its zxid to measure the lag. Default 200 ms.</summary>
    public TimeSpan MarkInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Writes sent to the target before the first is acknowledged (pipelined on the target session, which ZooKeeper
    /// executes in order). Default 500, under ZooKeeper's own per-server limit of outstanding requests
    /// (globalOutstandingLimit, 1,000), past which it stops reading from every connection. 1 awaits every write
    /// before the next: one target round trip per write.
    /// </summary>
    public int WritesInFlight { get; init; } = 500;

    /// <summary>Source paths whose znodes are created as containers on the target (see <see cref="CopyOptions.Containers"/>).</summary>
    public IReadOnlyList<PathPattern> Containers { get; init; } = [];

    /// <summary>Source paths whose znodes are created as TTL znodes on the target (see <see cref="CopyOptions.Ttls"/>).</summary>
    public IReadOnlyList<TtlRule> Ttls { get; init; } = [];

    /// <summary>Credentials as <c>scheme:auth</c> for the source sessions.</summary>
    public string? SourceAuth { get; init; }

    /// <summary>Credentials as <c>scheme:auth</c> for the target sessions (they need CREATE, WRITE, DELETE and ADMIN on the target tree).</summary>
    public string? TargetAuth { get; init; }

    /// <summary>TLS and SASL for the source sessions; null: plain TCP, no SASL.</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? SourceSecurity { get; init; }

    /// <summary>TLS and SASL for the target sessions; null: plain TCP, no SASL.</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? TargetSecurity { get; init; }

    /// <summary>The servers' jute.maxbuffer in bytes. Default 0xfffff, ZooKeeper's default.</summary>
    public int MaxFrameBytes { get; init; } = ZooKeeper.ZooKeeperClientOptions.DefaultMaxFrameBytes;

    /// <summary>
    /// The pre-copy's snapshot of the source tree, when the pre-copy read it from a source data dir: the initial copy
    /// and every re-scan read a source ACL only for a znode created or setACL'd since (its czxid or aversion differs),
    /// so the catch-up reads at the rate of a copy without ACLs. Null reads every ACL.
    /// </summary>
    internal ChrootSnapshot? AclBase { get; init; }

    /// <summary>The copy options of the initial copy and of every re-scan: faithful, deleting what the source lacks.</summary>
    internal CopyOptions CopyOptions(long? modifiedSince) => new()
    {
        Source = Source,
        Target = Target,
        ModifiedSince = modifiedSince,
        Delete = true,
        Faithful = true,
        SequentialCounters = false,
        Containers = Containers,
        Ttls = Ttls,
        SourceAuth = SourceAuth,
        TargetAuth = TargetAuth,
        SourceSecurity = SourceSecurity,
        TargetSecurity = TargetSecurity,
        MaxFrameBytes = MaxFrameBytes,
        MaxBatchBytes = Math.Min(512 * 1024, MaxFrameBytes),
        AclBase = AclBase,
    };
}
