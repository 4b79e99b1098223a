using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>What <see cref="TreeCopier"/> copies and how. Defaults copy everything once, fast, without deleting.</summary>
public sealed record CopyOptions
{
    public required TreeLocation Source { get; init; }

    public required TreeLocation Target { get; init; }

    /// <summary>Only znodes modified at or after this time (ms since the epoch, ZooKeeper's mtime) are written; null copies all.</summary>
    public long? ModifiedSince { get; init; }

    /// <summary>Delete target znodes that the source does not have. Default false.</summary>
    public bool Delete { get; init; }

    /// <summary>Also reproduce data versions and sequential counters (cversion), as Kafka relies on them. Default false.</summary>
    public bool Faithful { get; init; }

    /// <summary>
    /// With <see cref="Faithful"/>: also raise sequential counters. Default true. The live mirror turns it off and
    /// raises them itself once the watch events of the children are applied (raised earlier, a child created during
    /// the copy would be counted twice on the target).
    /// </summary>
    internal bool SequentialCounters { get; init; } = true;

    /// <summary>
    /// The source tree as its agent read it from a source server's data dir: the copy reads it instead of
    /// <see cref="Source"/>'s server (whose path must be the snapshot's chroot), and creates containers and TTL znodes
    /// with their stored kind. Null reads the server.
    /// </summary>
    internal ChrootSnapshot? SourceSnapshot { get; init; }

    /// <summary>
    /// An earlier snapshot of the source tree: a source znode it holds with the same czxid and aversion takes its ACL
    /// without a getACL request (the catch-up after a pre-copy from that snapshot). Null reads every ACL.
    /// </summary>
    internal ChrootSnapshot? AclBase { get; init; }

    /// <summary>Report what would change without writing. Default false.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Read and copy ACLs. Default true. ZooKeeper has no multi form of getACL, so this costs one request per
    /// znode; false skips it (new target znodes get world:anyone, existing ones keep theirs).
    /// </summary>
    public bool CopyAcls { get; init; } = true;

    /// <summary>How the trees are read. Default <see cref="ReadPath.MultiRead"/>.</summary>
    public ReadPath ReadPath { get; init; } = ReadPath.MultiRead;

    /// <summary>Znodes read per request. Default 250.</summary>
    public int ReadChunk { get; init; } = 250;

    /// <summary>Read requests in flight per side. Default 8.</summary>
    public int ReadsInFlight { get; init; } = 8;

    /// <summary>
    /// Upper bound of one multi request's size in bytes on the wire. Default 512 KiB, half of ZooKeeper's default
    /// jute.maxbuffer (1 MiB); must not exceed <see cref="MaxFrameBytes"/>.
    /// </summary>
    public int MaxBatchBytes { get; init; } = 512 * 1024;

    /// <summary>
    /// The servers' <c>jute.maxbuffer</c>: the largest request frame they accept, in bytes. Every request (write
    /// batches, read batches) is sized by its jute encoding under it; a znode that fits no multi is written alone,
    /// and one too large even alone is an error naming it. Default 0xfffff, ZooKeeper's default.
    /// </summary>
    public int MaxFrameBytes { get; init; } = ZooKeeperClientOptions.DefaultMaxFrameBytes;

    /// <summary>
    /// Source paths (<see cref="PathPattern"/>) whose znodes are created as containers on the target, as Curator
    /// creates its lock and leader parents. ZooKeeper reports containers as persistent znodes, so the copy cannot
    /// see the kind: it is named here. Existing target znodes keep their kind.
    /// </summary>
    public IReadOnlyList<PathPattern> Containers { get; init; } = [];

    /// <summary>
    /// Source paths whose znodes are created as TTL znodes with the given TTL (ms) on the target. Needs
    /// <c>zookeeper.extendedTypesEnabled=true</c> on the target, which the copy checks before writing the tree.
    /// </summary>
    public IReadOnlyList<TtlRule> Ttls { get; init; } = [];

    /// <summary>Upper bound of ops in one multi. Default 1000.</summary>
    public int MaxBatchOps { get; init; } = 1000;

    /// <summary>Multi batches in flight. Default 8.</summary>
    public int BatchesInFlight { get; init; } = 8;

    /// <summary>Credentials as <c>scheme:auth</c> (e.g. <c>digest:user:password</c>) added to the source session.</summary>
    public string? SourceAuth { get; init; }

    /// <summary>Credentials as <c>scheme:auth</c> added to the target session.</summary>
    public string? TargetAuth { get; init; }

    /// <summary>TLS and SASL for the source session; null: plain TCP, no SASL.</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? SourceSecurity { get; init; }

    /// <summary>TLS and SASL for the target session; null: plain TCP, no SASL.</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? TargetSecurity { get; init; }

    /// <summary>Paths kept in the summary's lists (ephemerals, vanished, extra, …). Default 100.</summary>
    public int ListedPaths { get; init; } = 100;

    internal void Validate()
    {
        if (ReadChunk < 1 || ReadsInFlight < 1 || MaxBatchOps < 1 || BatchesInFlight < 1 || MaxBatchBytes < 1024 || MaxFrameBytes < 1024)
        {
            throw new ArgumentException("copy: read chunk, reads in flight, batch ops and batches in flight must be at least 1, batch bytes and frame bytes at least 1024");
        }

        if (MaxBatchBytes > MaxFrameBytes)
        {
            throw new ArgumentException($"copy: --batch-bytes {MaxBatchBytes} is above the servers' frame limit of {MaxFrameBytes} bytes (jute.maxbuffer), which a server refuses by closing the connection; raise --max-frame-bytes only if the target runs a larger jute.maxbuffer");
        }

        if (SourceSnapshot is { } snapshot && snapshot.Chroot != Source.Path)
        {
            throw new ArgumentException($"copy: the source snapshot holds {snapshot.Chroot}, not the source path {Source.Path}");
        }

        foreach (var container in Containers)
        {
            if (Ttls.FirstOrDefault(t => t.Pattern.Text == container.Text) is { } both)
            {
                throw new ArgumentException($"copy: {both.Pattern} is named both as a container and as a TTL znode");
            }
        }
    }
}

/// <summary>A TTL for the znodes whose source path matches <see cref="Pattern"/> (<c>--ttl PATTERN=MS</c>).</summary>
/// <param name="Pattern">Which source znodes.</param>
/// <param name="TtlMs">Their TTL in milliseconds (1 to 0xFF_FFFF_FFFF, as ZooKeeper's EphemeralType allows).</param>
public sealed record TtlRule(PathPattern Pattern, long TtlMs)
{
    /// <summary>Parses <c>PATTERN=MS</c>.</summary>
    /// <exception cref="ArgumentException">not PATTERN=MS, or the TTL is out of range.</exception>
    public static TtlRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.LastIndexOf('=');
        if (equals <= 0 || !long.TryParse(text.AsSpan(equals + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            throw new ArgumentException($"--ttl '{text}' is not PATTERN=MILLISECONDS");
        }

        if (ms is < 1 or > 0xFF_FFFF_FFFF)
        {
            throw new ArgumentException($"--ttl '{text}': a TTL is 1 to {0xFF_FFFF_FFFF} ms");
        }

        return new TtlRule(PathPattern.Parse(text[..equals]), ms);
    }
}
