using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Bench;

/// <summary>
/// `./zkm bench migrate [--strategy observer|participant|both] [--subnet 10.251.0.0/24] [--prefix zkm-bench-]
/// [--idle SECONDS] [--keep]` (with `--brokers N`, <see cref="MigrateBrokersBenchmark"/> instead; with `--znodes N`, <see cref="MigrateTreeBenchmark"/>): for each strategy, a lab and a whole migration with workloads on both sides. Measured in the
/// same run: the destination's unavailability window (longest gap of the workload that follows Kafka to the
/// destination) against one destination node's restart-to-serving time; the source's longest gap during the
/// migration against its longest gap while nothing migrates; the barrier skew; the total duration.
/// </summary>
internal static class MigrateBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--brokers"))
        {
            // The Kafka switch by rack against one at a time: its own lab and section (MigrateBrokersBenchmark).
            return await MigrateBrokersBenchmark.RunAsync(args);
        }

        if (args.Contains("--znodes"))
        {
            // A big chroot beside the small lab: its own labs and section (MigrateTreeBenchmark).
            return await MigrateTreeBenchmark.RunAsync(args);
        }

        var strategy = Arg(args, "--strategy") ?? "both";
        var subnet = Arg(args, "--subnet") ?? "10.251.0.0/24";
        var prefix = Arg(args, "--prefix") ?? "zkm-bench-";
        var idle = TimeSpan.FromSeconds(int.Parse(Arg(args, "--idle") ?? "20", CultureInfo.InvariantCulture));
        var keep = args.Contains("--keep");
        var strategies = strategy == "both" ? new[] { "observer", "participant" } : [strategy];
        var rows = new List<Row>();
        foreach (var s in strategies)
        {
            Console.WriteLine($"== {s}");
            rows.Add(await MeasureAsync(s, subnet, prefix, idle, keep));
        }

        var text = new StringBuilder()
            .Append("Lab: 3 source, 3 destination, 3 Kafka broker stand-ins, another tenant; 8 stress sessions follow Kafka to the destination, 4 stay on the source.\n\n")
            .Append("| strategy | destination window (workload) | destination window (srvr polls) | one destination node restart→serving, same load | window / restart | same node start→serving, idle lab | source gap while migrating | source gap idle | barrier skew | total |\n")
            .Append("|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Strategy} | {r.DestinationWindowMs} ms | {r.DestinationWindowPolledMs:0} ms | {r.RestartToServingMs:0} ms | {r.DestinationWindowMs / Math.Max(1, r.RestartToServingMs):0.00}× | {r.StartToServingIdleMs:0} ms | {r.SourceGapMigratingMs} ms | {r.SourceGapIdleMs} ms | {r.SkewMs:0.0} ms | {r.TotalSeconds:0.0} s |\n");
        }

        text.Append("\nTargets: destination window ≤ 2 × restart→serving; observer source gap ≤ idle source gap; skew ≤ 50 ms. ")
            .Append("The window is a stop, a start and an election under the workloads, so the yardstick is one destination follower's stop→serving ")
            .Append("under the same workloads (lab service script, as the agent's command backend runs it), right after the migration. ")
            .Append("Earlier runs divided by the start→serving of a quiet lab, shown beside it. ")
            .Append("The yardstick's stop is the service's own (SIGTERM, then wait for the JVM to exit), as an operator's restart is; the election step ")
            .Append("SIGKILLs a destination node that is cut off and no longer serving 300 ms (timeouts.stopGrace) after its SIGTERM, because the JVM's ")
            .Append("own exit (0.4 s idle, over 1 s under load) writes nothing: ZooKeeper 3.8 has no shutdown hook that does.\n");
        BenchmarkReport.WriteSection("migrate", "Migration (`./zkm bench migrate`)", text.ToString());
        Console.WriteLine(text);
        return 0;
    }

    private sealed record Row(string Strategy, long DestinationWindowMs, double DestinationWindowPolledMs, double RestartToServingMs, double StartToServingIdleMs, long SourceGapMigratingMs, long SourceGapIdleMs, double SkewMs, double TotalSeconds);

    private static async Task<Row> MeasureAsync(string strategy, string subnet, string prefix, TimeSpan idle, bool keep)
    {
        await using var bench = await BenchLab.UpAsync("migrate", subnet, prefix);
        var lab = bench.Lab;

        // --keep leaves the lab's files (ZooKeeper logs, journal) to read a slow window afterwards.
        bench.Keep = keep;
        var text = bench.PlanText(strategy);
        var plan = PlanLoader.Load(text);
        var sourceHosts = string.Join(',', plan.Source.Select(s => s.ClientEndpoint));

        // The source with nothing migrating, then while migrating. The probes run in their own process, as a tenant's
        // application does: sharing the coordinator's
        // process would charge its start-up bursts (TLS to every agent, JIT) to the source.
        await using var idleProbe = await StressProcess.StartAsync(sourceHosts, "/bench-source-idle", 4, Path.Combine(bench.Directory, "source-idle.json"));
        await Task.Delay(idle);
        var idleResult = await idleProbe.StopAsync();

        await using var sourceProbe = await StressProcess.StartAsync(sourceHosts, "/bench-source", 4, Path.Combine(bench.Directory, "source-migrating.json"));
        var tenant = await StressWorkload.StartAsync(new StressOptions { ConnectString = plan.SourceConnect, Sessions = 8 }, CancellationToken.None);
        var report = await bench.MigrateWithTenantAsync(text, plan, tenant);

        // The yardstick for the window: one destination follower restarted alone (stop, start, serving: the
        // time it cannot serve), while the same workloads still run, as they did during the window.
        var follower = lab.Hosts.First(h => h.Role == LabHostRole.Destination && h.ServerId != report.Election?.Leader);
        var restartUnderLoad = await TimeRestartAsync(lab, follower.Name, includeStop: true);
        var sourceResult = await sourceProbe.StopAsync();
        Console.WriteLine($"source longest gap: {DescribeGap(sourceResult, report)}");
        var tenantResult = await tenant.StopAsync();
        await tenant.DisposeAsync();

        // For reference, the same node's start→serving on a quiet lab (what earlier runs used as the yardstick).
        await lab.StopAsync(follower.Name);
        var startIdle = await TimeRestartAsync(lab, follower.Name, includeStop: false);

        if (keep)
        {
            CopyLogs(lab.Manifest.Directory, Path.Combine(bench.Directory, "logs"));
        }

        return new Row(strategy, tenantResult.LongestGapMs, report.DestinationWindowMs, restartUnderLoad, startIdle, sourceResult.LongestGapMs, idleResult.LongestGapMs,
            report.Election?.SkewMilliseconds ?? 0, report.TotalSeconds ?? 0);
    }

    /// <summary>Copies every host's service logs out of the lab, which its teardown deletes.</summary>
    private static void CopyLogs(string labDirectory, string target)
    {
        foreach (var log in Directory.EnumerateFiles(Path.Combine(labDirectory, "hosts"), "*.log", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Path.Combine(labDirectory, "hosts"), log);
            var destination = Path.Combine(target, relative.Replace(Path.DirectorySeparatorChar, '_'));
            Directory.CreateDirectory(target);
            File.Copy(log, destination, overwrite: true);
        }
    }

    /// <summary>Milliseconds from the stop (or, without it, the start) of <paramref name="host"/>'s ZooKeeper until it serves.</summary>
    private static async Task<double> TimeRestartAsync(ZkMitosis.Lab.Lab lab, string host, bool includeStop)
    {
        var watch = Stopwatch.StartNew();
        if (includeStop)
        {
            await lab.StopAsync(host);
        }

        await lab.StartAsync(host);
        await lab.WaitUntilServingAsync(host, TimeSpan.FromMinutes(2));
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Where the longest gap of <paramref name="result"/> fell in the migration's timeline, to tell what caused it.</summary>
    private static string DescribeGap(StressResult result, Coordinator.Reporting.MigrationReport report)
    {
        var worst = result.Sessions.MaxBy(s => s.LongestGapMs);
        if (worst?.LongestGapEndedAt is not { } ended)
        {
            return "none";
        }

        var began = ended.AddMilliseconds(-worst.LongestGapMs);
        var step = report.Timeline.LastOrDefault(t => t.Started is { } s && s <= began)?.Step ?? "before the migration";
        return $"{worst.LongestGapMs} ms, {began:HH:mm:ss.fff} → {ended:HH:mm:ss.fff}, began during {step}";
    }

    private static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
