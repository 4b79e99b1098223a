using System.Diagnostics;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Bench;

/// <summary>
/// What another tenant of a shared source sees: one getData at a time on its own session, timed, until a task ends.
/// </summary>
internal static class LatencyProbe
{
    public sealed record Result(int Count, double P50Ms, double P99Ms, double MaxMs);

    /// <summary>Reads <paramref name="path"/> one request at a time until <paramref name="until"/> completes; latencies in ms.</summary>
    public static async Task<Result> RunAsync(string hosts, string path, Task until)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(hosts);
        var samples = new List<double>();
        while (!until.IsCompleted)
        {
            var started = Stopwatch.GetTimestamp();
            await client.GetDataAsync(path);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        if (samples.Count == 0)
        {
            return new Result(0, 0, 0, 0);
        }

        samples.Sort();
        double At(double p) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(p * samples.Count) - 1)];
        return new Result(samples.Count, At(0.5), At(0.99), samples[^1]);
    }
}
