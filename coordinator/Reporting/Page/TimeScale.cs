namespace ZkMitosis.Coordinator.Reporting.Page;

/// <summary>Maps instants between <see cref="Start"/> and <see cref="End"/> onto x coordinates from <see cref="Left"/> to <see cref="Right"/> (SVG user units).</summary>
internal sealed class TimeScale
{
    /// <summary>The narrowest a drawn interval gets, in user units, so a 100 ms gap in a 10-minute run stays visible.</summary>
    public const double MinimumWidth = 2;

    public TimeScale(DateTimeOffset start, DateTimeOffset end, double left, double right)
    {
        Start = start;
        // A run with one record (or none measured) still gets a one-second axis rather than a division by zero.
        End = end > start ? end : start.AddSeconds(1);
        Left = left;
        Right = right;
    }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    public double Left { get; }

    public double Right { get; }

    /// <summary>Seconds from <see cref="Start"/> to <see cref="End"/>.</summary>
    public double Seconds => (End - Start).TotalSeconds;

    /// <summary>The x of <paramref name="at"/>, clamped to the axis.</summary>
    public double X(DateTimeOffset at)
    {
        var fraction = (at - Start).TotalSeconds / Seconds;
        return Left + (Math.Clamp(fraction, 0, 1) * (Right - Left));
    }

    /// <summary>The width from <paramref name="from"/> to <paramref name="to"/>, at least <see cref="MinimumWidth"/>.</summary>
    public double Width(DateTimeOffset from, DateTimeOffset to) => Math.Max(MinimumWidth, X(to) - X(from));

    /// <summary>Tick spacing in seconds: the smallest of 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600 that gives at most 12 ticks.</summary>
    public double TickSeconds()
    {
        double[] steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
        return steps.FirstOrDefault(s => Seconds / s <= 12, Math.Ceiling(Seconds / 12 / 3600) * 3600);
    }
}
