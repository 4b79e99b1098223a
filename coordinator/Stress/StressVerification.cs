namespace ZkMitosis.Coordinator.Stress;

/// <summary>
/// The verdict on a stress run against one set of servers (usually the destination): every acknowledged
/// write must be present and no session may have expired.
/// </summary>
public sealed record StressVerification
{
    /// <summary>The servers checked.</summary>
    public required string ConnectString { get; init; }

    /// <summary>Acknowledged writes looked for.</summary>
    public required long CheckedWrites { get; init; }

    /// <summary>Acknowledged writes not found.</summary>
    public required long MissingWrites { get; init; }

    /// <summary>The first missing writes (at most 100), by path.</summary>
    public required IReadOnlyList<string> MissingPaths { get; init; }

    /// <summary>Session expiries the run saw.</summary>
    public required int Expiries { get; init; }

    /// <summary>The longest time any session went without an acknowledged write, in milliseconds.</summary>
    public required long LongestGapMs { get; init; }

    /// <summary>Per session: index, acknowledged writes, missing writes, expiries, longest gap.</summary>
    public required IReadOnlyList<StressSessionVerification> Sessions { get; init; }

    public bool AllWritesPresent => MissingWrites == 0;

    public bool NoExpiries => Expiries == 0;

    /// <summary>Every acknowledged write present and no session expired.</summary>
    public bool Passed => AllWritesPresent && NoExpiries;
}

/// <summary>The verdict for one session of a stress run.</summary>
public sealed record StressSessionVerification(int Index, long AcknowledgedWrites, long MissingWrites, int Expiries, long LongestGapMs);
