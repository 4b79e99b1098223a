namespace ZkMitosis.Coordinator.Copy;

/// <summary>What a copy did (or, with dry run, would do).</summary>
public sealed record CopySummary
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Source znodes read (ephemerals included, vanished ones not).</summary>
    public long SourceNodes { get; init; }

    /// <summary>Znodes created (acknowledged by the target; in a dry run, needed). Containers and TTL znodes included.</summary>
    public long Created { get; init; }

    /// <summary>Of <see cref="Created"/>: created as containers (<c>--container</c>).</summary>
    public long ContainersCreated { get; init; }

    /// <summary>Of <see cref="Created"/>: created as TTL znodes (<c>--ttl</c>).</summary>
    public long TtlCreated { get; init; }

    /// <summary>
    /// False when neither <c>--container</c> nor <c>--ttl</c> named any kind: ZooKeeper's API reports container and
    /// TTL znodes as persistent, so their kinds were not checked and any were copied as persistent znodes.
    /// </summary>
    public bool KindsChecked { get; init; }

    public long DataUpdated { get; init; }

    public long AclUpdated { get; init; }

    public long Deleted { get; init; }

    public long Unchanged { get; init; }

    /// <summary>Znodes not written because they were modified before <see cref="ModifiedSince"/>.</summary>
    public long SkippedOlder { get; init; }

    public long Ephemerals { get; init; }

    public required IReadOnlyList<string> EphemeralPaths { get; init; }

    /// <summary>Target znodes that are persistent where the source's are ephemeral (a stale copy of a session's znode; left alone).</summary>
    public long PersistentCopiesOfEphemerals { get; init; }

    public IReadOnlyList<string> PersistentCopiesOfEphemeralsPaths { get; init; } = [];

    /// <summary>Target ephemerals of live sessions that <c>--delete</c> did not delete (with the ancestors they keep), or that stand where the source has a persistent znode.</summary>
    public long TargetEphemeralsKept { get; init; }

    public IReadOnlyList<string> TargetEphemeralsKeptPaths { get; init; } = [];

    /// <summary>Znodes the copy could not write for lack of permission, each with the identities that would do (the copy failed without writing past the first).</summary>
    public IReadOnlyList<string> NeedsCredentials { get; init; } = [];

    /// <summary>Listed by their parent, gone when read: the source changed during the copy.</summary>
    public long Vanished { get; init; }

    public required IReadOnlyList<string> VanishedPaths { get; init; }

    /// <summary>Target znodes the source does not have (deleted with --delete, else left and listed).</summary>
    public long ExtraOnTarget { get; init; }

    public required IReadOnlyList<string> ExtraPaths { get; init; }

    /// <summary>--faithful: setData calls made to bring data versions up to the source's.</summary>
    public long VersionBumps { get; init; }

    /// <summary>--faithful: child create/delete pairs made to bring sequential counters up to the source's.</summary>
    public long SequenceBumps { get; init; }

    /// <summary>--faithful: znodes whose version or counter on the target is already above the source's (cannot be lowered).</summary>
    public required IReadOnlyList<string> Unfaithful { get; init; }

    public long Batches { get; init; }

    public long? ModifiedSince { get; init; }

    /// <summary>True when the copy went through the whole tree and every write was acknowledged (false on a failure or a dry run).</summary>
    public bool Complete { get; init; }

    /// <summary>
    /// The <c>--mtime</c> for the next catch-up run: the newest mtime among znodes last modified before this
    /// run began (by zxid), so a change made during this run is copied again next time. Null when the tree is
    /// empty, and unless <see cref="Complete"/>: after a failure a catch-up from that time would skip what was not copied.
    /// </summary>
    public long? NextModifiedSince { get; init; }

    /// <summary>False when the source's zxid at the start could not be read (four-letter words off) and
    /// <see cref="NextModifiedSince"/> is only the newest mtime seen.</summary>
    public bool NextModifiedSinceExact { get; init; }

    public TimeSpan Elapsed { get; init; }

    public double ZnodesPerSecond => Elapsed.TotalSeconds > 0 ? SourceNodes / Elapsed.TotalSeconds : 0;

    /// <summary>Writes (creates, updates, deletes) made or, in a dry run, needed.</summary>
    public long Changes => Created + DataUpdated + AclUpdated + Deleted + VersionBumps + SequenceBumps;
}

/// <summary>One change a copy makes (or would make in a dry run).</summary>
public sealed record CopyAction(CopyActionKind Kind, string Path, string? Detail = null);

public enum CopyActionKind { Create, SetData, SetAcl, Delete, BumpVersion, BumpSequence }

/// <summary>Counters for a progress display; read from any thread.</summary>
public sealed class CopyProgress
{
    private long _read;
    private long _written;

    public long Read => Interlocked.Read(ref _read);

    public long Written => Interlocked.Read(ref _written);

    /// <summary>"copy", "delete", "faithful": what the copy is doing now.</summary>
    public string Phase { get; set; } = "copy";

    internal void AddRead(long count) => Interlocked.Add(ref _read, count);

    internal void AddWritten(long count) => Interlocked.Add(ref _written, count);
}
