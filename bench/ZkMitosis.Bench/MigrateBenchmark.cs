using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Lab;
using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Bench;

/// <summary>
/// `./zkm bench migrate [--strategy observer|participant|both] [--subnet 10.251.0.0/24] [--prefix zkm-bench-]
/// [--idle SECONDS]`: for each strategy, a lab and a whole migration with workloads on both sides. Measured in the
/// same run: the destination's unavailability window (longest gap of the workload that follows Kafka to the
/// destination) against one destination node's restart-to-serving time; the source's longest gap during the
/// migration against its longest gap while nothing migrates; the barrier skew; the total duration.
/// </summary>
internal static class MigrateBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var strategy = Arg(args, "--strategy") ?? "both";
        var subnet = Arg(args, "--subnet") ?? "10.251.0.0/24";
        var prefix = Arg(args, "--prefix") ?? "zkm-bench-";
        var idle = TimeSpan.FromSeconds(int.Parse(Arg(args, "--idle") ?? "20", CultureInfo.InvariantCulture));
        var strategies = strategy == "both" ? new[] { "observer", "participant" } : [strategy];
        var rows = new List<Row>();
        foreach (var s in strategies)
        {
            Console.WriteLine($"== {s}");
            rows.Add(await MeasureAsync(s, subnet, prefix, idle));
        }

        var text = new StringBuilder()
            .Append("Lab: 3 source, 3 destination, 3 Kafka broker stand-ins, another tenant; 8 stress sessions follow Kafka to the destination, 4 stay on the source.\n\n")
            .Append("| strategy | destination window (workload) | destination window (srvr polls) | one destination node restart→serving | window / restart | source gap while migrating | source gap idle | barrier skew | total |\n")
            .Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Strategy} | {r.DestinationWindowMs} ms | {r.DestinationWindowPolledMs:0} ms | {r.RestartToServingMs:0} ms | {r.DestinationWindowMs / Math.Max(1, r.RestartToServingMs):0.00}× | {r.SourceGapMigratingMs} ms | {r.SourceGapIdleMs} ms | {r.SkewMs:0.0} ms | {r.TotalSeconds:0.0} s |\n");
        }

        text.Append("\nTargets: destination window ≤ 2 × restart→serving; observer source gap ≤ idle source gap; skew ≤ 50 ms.\n");
        BenchmarkReport.WriteSection("migrate", "Migration (`./zkm bench migrate`)", text.ToString());
        Console.WriteLine(text);
        return 0;
    }

    private sealed record Row(string Strategy, long DestinationWindowMs, double DestinationWindowPolledMs, double RestartToServingMs, long SourceGapMigratingMs, long SourceGapIdleMs, double SkewMs, double TotalSeconds);

    private static async Task<Row> MeasureAsync(string strategy, string subnet, string prefix, TimeSpan idle)
    {
        var directory = Directory.CreateTempSubdirectory("zkm-bench-migrate-");
        var spec = new LabSpec { Name = "bench", Prefix = prefix, Subnet = subnet, Directory = Path.Combine(directory.FullName, "lab") };
        try
        {
            await using var lab = await LabCluster.UpAsync(spec);
            var text = File.ReadAllText(lab.PlanPath!).Replace("strategy: observer", $"strategy: {strategy}", StringComparison.Ordinal);
            var plan = PlanLoader.Load(text);
            var sourceHosts = string.Join(',', plan.Source.Select(s => s.ClientEndpoint));

            // The source with nothing migrating.
            var idleProbe = await StressWorkload.StartAsync(new StressOptions { ConnectString = sourceHosts, BasePath = "/bench-source-idle", Sessions = 4 }, CancellationToken.None);
            await Task.Delay(idle);
            var idleResult = await idleProbe.StopAsync();
            await idleProbe.DisposeAsync();

            var sourceProbe = await StressWorkload.StartAsync(new StressOptions { ConnectString = sourceHosts, BasePath = "/bench-source", Sessions = 4 }, CancellationToken.None);
            var tenant = await StressWorkload.StartAsync(new StressOptions { ConnectString = plan.SourceConnect, Sessions = 8 }, CancellationToken.None);
            var switched = 0;
            var report = await MigrationRunner.RunAsync(text, new MigrationRunOptions
            {
                StateRoot = Path.Combine(directory.FullName, "state"),
                Confirmation = new FixedConfirmation(true),
                OnBrokerSwitched = _ =>
                {
                    if (Interlocked.Exchange(ref switched, 1) == 0)
                    {
                        tenant.SwitchServers(string.Join(',', plan.Destination.Select(d => d.ClientEndpoint)));
                    }
                },
            }, CancellationToken.None);
            var sourceResult = await sourceProbe.StopAsync();
            await sourceProbe.DisposeAsync();
            var tenantResult = await tenant.StopAsync();
            await tenant.DisposeAsync();
            Console.WriteLine(report.ToText());

            // One destination follower, restarted alone: the yardstick for the window.
            var follower = lab.Hosts.First(h => h.Role == LabHostRole.Destination && h.ServerId != report.Election?.Leader);
            await lab.StopAsync(follower.Name);
            var watch = Stopwatch.StartNew();
            await lab.StartAsync(follower.Name);
            await lab.WaitUntilServingAsync(follower.Name, TimeSpan.FromMinutes(2));
            var restart = watch.Elapsed.TotalMilliseconds;

            return new Row(strategy, tenantResult.LongestGapMs, report.DestinationWindowMs, restart, sourceResult.LongestGapMs, idleResult.LongestGapMs,
                report.Election?.SkewMilliseconds ?? 0, report.TotalSeconds ?? 0);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
