using System.Globalization;

namespace ZkMitosis.Coordinator.Switch;

/// <summary>
/// The projected duration of a batched switch: the brokers of a batch restart together, so a batch costs about one
/// broker's restart (<c>switch.brokerRestart</c>), and the switch about one per batch. Once the first batch ran, its
/// measured duration replaces the guess for the batches left.
/// </summary>
public static class SwitchProjection
{
    /// <summary><paramref name="batches"/> × <paramref name="brokerRestart"/>, or null when the restart time is unknown.</summary>
    public static TimeSpan? Projected(int batches, TimeSpan? brokerRestart) => brokerRestart * batches;

    /// <summary>The batches left at the pace measured on one batch (<paramref name="measuredBatch"/>).</summary>
    public static TimeSpan Reprojected(TimeSpan measuredBatch, int batchesLeft) => measuredBatch * batchesLeft;

    /// <summary>
    /// One line for <c>migrate plan</c>: <c>projected 12 batches × 3m = 36m (one at a time: 300 × 3m = 5h00m)</c>, or a
    /// line saying the projection waits for the first batch when <paramref name="brokerRestart"/> is not given.
    /// </summary>
    public static string Describe(int batches, int brokers, TimeSpan? brokerRestart) =>
        brokerRestart is { } restart
            ? $"projected {N(batches)} batches × {Format(restart)} = {Format(restart * batches)} (one at a time: {N(brokers)} × {Format(restart)} = {Format(restart * brokers)})"
            : $"{N(batches)} batches; projected duration: measured on the first batch (give switch.brokerRestart to project it now)";

    /// <summary><c>5h00m</c>, <c>36m00s</c>, <c>4.2s</c>: hours and minutes, minutes and seconds, or tenths of seconds.</summary>
    public static string Format(TimeSpan value) =>
        value >= TimeSpan.FromHours(1) ? $"{N((int)value.TotalHours)}h{value.Minutes.ToString("00", CultureInfo.InvariantCulture)}m"
        : value >= TimeSpan.FromMinutes(1) ? $"{N((int)value.TotalMinutes)}m{value.Seconds.ToString("00", CultureInfo.InvariantCulture)}s"
        : $"{value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s";

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
