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

    /// <summary>Upper bound of one multi request's size. Default 512 KiB, half of ZooKeeper's default jute.maxbuffer (1 MiB).</summary>
    public int MaxBatchBytes { get; init; } = 512 * 1024;

    /// <summary>Upper bound of ops in one multi. Default 1000.</summary>
    public int MaxBatchOps { get; init; } = 1000;

    /// <summary>Multi batches in flight. Default 8.</summary>
    public int BatchesInFlight { get; init; } = 8;

    /// <summary>Credentials as <c>scheme:auth</c> (e.g. <c>digest:user:password</c>) added to the source session.</summary>
    public string? SourceAuth { get; init; }

    /// <summary>Credentials as <c>scheme:auth</c> added to the target session.</summary>
    public string? TargetAuth { get; init; }

    /// <summary>Paths kept in the summary's lists (ephemerals, vanished, extra, …). Default 100.</summary>
    public int ListedPaths { get; init; } = 100;

    internal void Validate()
    {
        if (ReadChunk < 1 || ReadsInFlight < 1 || MaxBatchOps < 1 || BatchesInFlight < 1 || MaxBatchBytes < 1024)
        {
            throw new ArgumentException("copy: read chunk, reads in flight, batch ops and batches in flight must be at least 1, batch bytes at least 1024");
        }
    }
}
