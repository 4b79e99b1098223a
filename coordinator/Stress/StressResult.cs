namespace ZkMitosis.Coordinator.Stress;

/// <summary>
/// What a stress run saw. Each session writes serials 1, 2, 3, … in order and moves to the next serial only
/// once the current one is acknowledged, so the acknowledged serials of a session are exactly
/// 1..<see cref="StressSessionResult.LastAcknowledgedSerial"/>.
/// </summary>
public sealed record StressResult
{
    /// <summary>The connect string the run started with (hosts and chroot).</summary>
    public required string ConnectString { get; init; }

    /// <summary>The chroot of <see cref="ConnectString"/>, or null; every path below is seen through it.</summary>
    public string? Chroot { get; init; }

    /// <summary>The run's own znode, parent of every session's writes and ephemerals.</summary>
    public required string RunPath { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset StoppedAt { get; init; }

    public required IReadOnlyList<StressSessionResult> Sessions { get; init; }

    /// <summary>Every acknowledged write of every session.</summary>
    public long AcknowledgedWrites => Sessions.Sum(s => s.LastAcknowledgedSerial);

    /// <summary>Session expiries over all sessions; a migration that nobody noticed has none.</summary>
    public int Expiries => Sessions.Sum(s => s.Expiries);

    /// <summary>The longest time any session went without an acknowledged write, in milliseconds.</summary>
    public long LongestGapMs => Sessions.Count == 0 ? 0 : Sessions.Max(s => s.LongestGapMs);
}

/// <summary>One session of a stress run.</summary>
public sealed record StressSessionResult
{
    public required int Index { get; init; }

    /// <summary>Parent of this session's writes <c>w0000000001</c>, <c>w0000000002</c>, ….</summary>
    public required string WritesPath { get; init; }

    /// <summary>The ephemeral this session holds while it runs.</summary>
    public required string EphemeralPath { get; init; }

    /// <summary>Acknowledged serials are 1..this (0 when nothing was acknowledged).</summary>
    public required long LastAcknowledgedSerial { get; init; }

    /// <summary>Times the session expired (and a new one was opened to carry on).</summary>
    public required int Expiries { get; init; }

    /// <summary>Longest time between two acknowledged writes (or from the start to the first), in milliseconds.</summary>
    public required long LongestGapMs { get; init; }

    /// <summary>When that longest gap ended (the acknowledgement that closed it).</summary>
    public DateTimeOffset? LongestGapEndedAt { get; init; }

    /// <summary>Failed write attempts that were retried (connection loss, timeouts).</summary>
    public required long RetriedWrites { get; init; }

    /// <summary>Session ids used, in order (more than one only after an expiry).</summary>
    public required IReadOnlyList<long> SessionIds { get; init; }

    /// <summary>Whether the session's ephemeral was still there, owned by it, when the run stopped.</summary>
    public required bool EphemeralHeldAtStop { get; init; }

    /// <summary>The last error a write saw, for the report; null when none failed.</summary>
    public string? LastError { get; init; }

    /// <summary>The znode of serial <paramref name="serial"/>.</summary>
    public string WritePath(long serial) => $"{WritesPath}/w{serial:D10}";
}
