namespace ZkMitosis.Coordinator.Copy;

/// <summary>What a copy did (or, with dry run, would do).</summary>
public sealed record CopySummary
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Source znodes read (ephemerals included, vanished ones not).</summary>
    public long SourceNodes { get; init; }

    public long Created { get; init; }

    public long DataUpdated { get; init; }

    public long AclUpdated { get; init; }

    public long Deleted { get; init; }

    public long Unchanged { get; init; }

    /// <summary>Znodes not written because they were modified before <see cref="ModifiedSince"/>.</summary>
    public long SkippedOlder { get; init; }

    public long Ephemerals { get; init; }

    public required IReadOnlyList<string> EphemeralPaths { get; init; }

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

    /// <summary>
    /// The <c>--mtime</c> for the next catch-up run: the newest mtime among znodes last modified before this
    /// run began (by zxid), so a change made during this run is copied again next time. Null when the tree is empty.
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
