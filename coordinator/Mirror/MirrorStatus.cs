namespace ZkMitosis.Coordinator.Mirror;

/// <summary>What the mirror is doing.</summary>
public enum MirrorPhase
{
    /// <summary>Copying the source tree once (the watch is already registered).</summary>
    InitialCopy,

    /// <summary>Applying watch events as they come.</summary>
    Following,

    /// <summary>Re-scanning the whole tree (diff and repair) after the source session expired or its connection was lost.</summary>
    Resynchronising,

    /// <summary>The periodic safety-net re-scan (ACLs, anything a watch cannot show).</summary>
    Rescanning,

    /// <summary>Stopped: <c>--until-zxid</c> reached, stopped by its owner, or failed.</summary>
    Stopped,
}

/// <summary>
/// A snapshot of a mirror. zxids are the source's. <see cref="AppliedZxid"/> is the highest zxid up to which every
/// source change under the chroot has been applied to the target (or superseded by a later state of the same znode);
/// <see cref="SourceZxid"/> the highest the source was seen at. ACL changes are covered only up to the last re-scan.
/// </summary>
public sealed record MirrorStatus
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    public MirrorPhase Phase { get; init; }

    /// <summary>Watch events received (all sessions).</summary>
    public long EventsReceived { get; init; }

    /// <summary>Watch events applied (consecutive events of one znode are applied once).</summary>
    public long EventsApplied { get; init; }

    public long Created { get; init; }

    public long DataUpdated { get; init; }

    public long AclUpdated { get; init; }

    /// <summary>Target znodes deleted (subtrees count every znode).</summary>
    public long Deleted { get; init; }

    /// <summary>setData steps that only raise a data version (the source changed it more often than the mirror saw).</summary>
    public long VersionBumps { get; init; }

    /// <summary>Create-and-delete steps that raise a parent's sequential counter to the source's.</summary>
    public long SequenceBumps { get; init; }

    /// <summary>Source ephemerals seen and not mirrored (their sessions recreate them on the target after a switch).</summary>
    public long EphemeralsSkipped { get; init; }

    /// <summary>Re-scans done (periodic and final), not counting resynchronisations.</summary>
    public int Rescans { get; init; }

    /// <summary>Full re-scans after a source session expiry or connection loss.</summary>
    public int Resyncs { get; init; }

    /// <summary>Why the last resynchronisation ran ("source session 0x… expired"), or null.</summary>
    public string? LastResyncReason { get; init; }

    public long SourceZxid { get; init; } = -1;

    public long AppliedZxid { get; init; } = -1;

    /// <summary>Source zxids not yet known applied (transactions, when both are in one epoch).</summary>
    public long LagTxns { get; init; }

    /// <summary>How old the applied state is: from the moment the source was at <see cref="AppliedZxid"/> to now, in ms (or to when it was applied, when caught up).</summary>
    public double LagMs { get; init; }

    /// <summary>Transient errors retried (connection losses, timeouts); the last one is <see cref="LastError"/>.</summary>
    public long Retries { get; init; }

    public string? LastError { get; init; }

    /// <summary>Znodes the mirror could not make faithful (a target version above the source's, a target ephemeral in the way).</summary>
    public IReadOnlyList<string> Unfaithful { get; init; } = [];

    public TimeSpan Elapsed { get; init; }
}
