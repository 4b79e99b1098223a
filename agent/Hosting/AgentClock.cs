using System.Diagnostics;

namespace ZkMitosis.Agent.Grpc;

/// <summary>The agent's time: injectable wall clock, the process start, and the monotonic clock in nanoseconds.</summary>
public sealed class AgentClock
{
    public AgentClock(TimeProvider time)
    {
        Time = time;
        StartedAt = time.GetUtcNow();
    }

    public TimeProvider Time { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Stopwatch ticks (CLOCK_MONOTONIC on Linux) to nanoseconds.</summary>
    public static long ToNanoseconds(long stopwatchTimestamp) =>
        (long)((Int128)stopwatchTimestamp * 1_000_000_000 / Stopwatch.Frequency);
}
