using System.Diagnostics;

namespace ZkMitosis.Coordinator.Smoketest;

/// <summary>Runs one latency phase, one op at a time or many in flight, and summarises it.</summary>
internal static class LatencyRecorder
{
    /// <summary>Each op waits for the previous one: the latency a single synchronous client sees.</summary>
    public static async Task<PhaseResult> SynchronousAsync(string phase, int count, Func<int, Task<long>> op)
    {
        var latencies = new double[count];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            latencies[i] = Ticks(await op(i).ConfigureAwait(false));
        }

        return Summarise(phase, "sync", latencies, total.Elapsed);
    }

    /// <summary>Up to <paramref name="inFlight"/> ops at once; each op returns its own latency in stopwatch ticks.</summary>
    public static async Task<PhaseResult> PipelinedAsync(string phase, int count, int inFlight, Func<int, Task<long>> op)
    {
        var latencies = new double[count];
        using var window = new SemaphoreSlim(inFlight, inFlight);
        var tasks = new Task[count];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await window.WaitAsync().ConfigureAwait(false);
            var index = i;
            tasks[i] = RunOneAsync(index);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        return Summarise(phase, "pipelined", latencies, total.Elapsed);

        async Task RunOneAsync(int index)
        {
            try
            {
                latencies[index] = Ticks(await op(index).ConfigureAwait(false));
            }
            finally
            {
                window.Release();
            }
        }
    }

    /// <summary>Times <paramref name="op"/> from its start to its completion, in stopwatch ticks.</summary>
    public static async Task<long> TimeAsync(Func<Task> op)
    {
        var start = Stopwatch.GetTimestamp();
        await op().ConfigureAwait(false);
        return Stopwatch.GetTimestamp() - start;
    }

    private static double Ticks(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static PhaseResult Summarise(string phase, string mode, double[] latencies, TimeSpan elapsed)
    {
        if (latencies.Length == 0)
        {
            return new PhaseResult(phase, mode, 0, 0, 0, 0, 0);
        }

        var sorted = latencies.Order().ToArray();
        var p99 = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.99) - 1)];
        return new PhaseResult(phase, mode, latencies.Length, latencies.Length / Math.Max(elapsed.TotalSeconds, 1e-9), latencies.Average(), p99, sorted[^1]);
    }
}
