using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkMitosis.Lab;

namespace ZkMitosis.Bench;

/// <summary>
/// `./zkm bench lab [--runs N]`: times `lab up` and `lab down` of the full 3/3/3 lab (three source servers
/// running, three destination hosts, three broker stand-ins, agents on every host, populated source, the other
/// tenant writing) against the targets: up ≤ 30 s, down ≤ 5 s on the 2-core machine.
/// </summary>
internal static class LabBenchmark
{
    private static readonly TimeSpan UpTarget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DownTarget = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length == 2 && args[0] == "--runs" && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 3;
        var ups = new List<TimeSpan>();
        var downs = new List<TimeSpan>();
        var spec = new LabSpec { Name = "bench", Source = 3, Destination = 3, Brokers = 3, Subnet = "10.251.200.0/24", Directory = Path.Combine(Path.GetTempPath(), "zkm-bench-lab") };
        // A lab left over from an interrupted run would make "up" fail: remove it first.
        await LabTeardown.DownAsync(null, spec.EffectivePrefix, spec.EffectiveDirectory);
        for (var run = 1; run <= runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            var lab = await LabCluster.UpAsync(spec);
            ups.Add(stopwatch.Elapsed);
            var insecure = lab.Manifest.AgentsInsecure;
            stopwatch.Restart();
            await lab.DownAsync();
            downs.Add(stopwatch.Elapsed);
            Console.WriteLine($"run {run}: up {ups[^1].TotalSeconds:0.0} s, down {downs[^1].TotalSeconds:0.0} s{(insecure ? " (agents without TLS)" : string.Empty)}");
        }

        var upMedian = Median(ups);
        var downMedian = Median(downs);
        var upOk = ups.Max() <= UpTarget;
        var downOk = downs.Max() <= DownTarget;
        var text = new StringBuilder()
            .Append("`lab up` and `lab down` of a 3/3/3 lab: 3 source ZooKeeper servers elected and serving, 3 destination hosts (stopped, empty), ")
            .Append("3 Kafka broker stand-ins registered with a controller, an agent listening on each of the 9 hosts, the source populated and the other tenant writing.\n\n")
            .Append("| run | up (s) | down (s) |\n|---|---|---|\n");
        for (var i = 0; i < runs; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {i + 1} | {ups[i].TotalSeconds:0.0} | {downs[i].TotalSeconds:0.00} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nMedian up {upMedian.TotalSeconds:0.0} s (target ≤ {UpTarget.TotalSeconds:0} s: {(upOk ? "met" : "MISSED")} by every run), ")
            .Append(CultureInfo.InvariantCulture, $"median down {downMedian.TotalSeconds:0.00} s (target ≤ {DownTarget.TotalSeconds:0} s: {(downOk ? "met" : "MISSED")} by every run).\n");
        BenchmarkReport.WriteSection("lab", "Lab up and down (3/3/3)", text.ToString());
        return upOk && downOk ? 0 : 1;
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
