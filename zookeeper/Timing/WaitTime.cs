namespace ZkMitosis.ZooKeeper.Timing;

/// <summary>
/// The length of a wait computed from what is left of a bound (a grace, a deadline, a request timeout). .NET timers
/// count whole milliseconds and truncate: <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>,
/// <c>Task.WaitAsync</c> and <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> given a span under 1 ms
/// complete at once, so a poll loop near the end of its bound would spin (a stop-with-grace loop made 141 status calls
/// in its last sub-millisecond). Every wait whose length is computed goes through here, so none rounds down to zero.
/// </summary>
public static class WaitTime
{
    /// <summary>The shortest wait a timer honours: one millisecond.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// <paramref name="left"/> rounded up to whole milliseconds, and at least <see cref="Floor"/>: a wait for what is
    /// left of a bound ends at or after the bound, never before it and never at once.
    /// </summary>
    public static TimeSpan Remaining(TimeSpan left)
    {
        if (left <= Floor)
        {
            return Floor;
        }

        if (left.Ticks > TimeSpan.MaxValue.Ticks - TimeSpan.TicksPerMillisecond)
        {
            return left;
        }

        var wholeMilliseconds = (left.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        return TimeSpan.FromTicks(wholeMilliseconds * TimeSpan.TicksPerMillisecond);
    }

    /// <summary>
    /// The next pause of a poll bounded by a deadline: <paramref name="poll"/>, or <paramref name="left"/> when less is
    /// left, as <see cref="Remaining"/> rounds it (whole milliseconds, at least <see cref="Floor"/>).
    /// </summary>
    public static TimeSpan Pause(TimeSpan left, TimeSpan poll) => Remaining(left < poll ? left : poll);
}
