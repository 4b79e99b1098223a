namespace ZkMitosis.Coordinator.Smoketest;

/// <summary>Everything one smoketest run found.</summary>
public sealed record SmoketestReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required IReadOnlyList<ServerReport> Servers { get; init; }

    public required IReadOnlyList<SmoketestFailure> Failures { get; init; }

    public bool Passed => Failures.Count == 0;
}

/// <summary>One server: whether its session worked, and its latency phases.</summary>
public sealed record ServerReport(string Server, bool Connected, long SessionId, IReadOnlyList<PhaseResult> Phases);

/// <summary>One latency phase on one server: ops/s and latencies in milliseconds.</summary>
public sealed record PhaseResult(string Phase, string Mode, int Count, double OpsPerSecond, double MeanMs, double P99Ms, double MaxMs);

/// <summary>A check that failed, when, on which server, and why.</summary>
public sealed record SmoketestFailure(DateTimeOffset At, string Server, string Check, string Message);
