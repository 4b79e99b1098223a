using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Bench;

/// <summary>
/// <c>./zkm bench migrate --znodes N [--million] [--subnet …] [--prefix …]</c>: whole observer migrations of a small
/// lab and of a lab whose chroot also holds a Kafka-shaped tree of about N znodes (and, with <c>--million</c>, one of
/// about 1,000,000), in the same run: total duration and the steps that read the whole chroot (baseline, elect,
/// verify), the destination's window seen by a workload that follows Kafka. Target: the big lab's total at most twice
/// the small lab's, its window unchanged.
/// </summary>
/// <remarks>
/// The extra tree lies under <c>CHROOT/bench-tree</c> (<see cref="KafkaShapedTree"/>: topics of 10 partitions with
/// state, topic configs, about 100 bytes a znode), inside the migrated chroot but outside <c>/brokers</c>: the broker
/// stand-ins' controller re-reads every partition it finds under <c>/brokers/topics</c> each second, which a real
/// controller (it caches them) does not.
/// </remarks>
internal static class MigrateTreeBenchmark
{
    private const string TreeName = "/bench-tree";

    public static async Task<int> RunAsync(string[] args)
    {
        if (!int.TryParse(Arg(args, "--znodes"), NumberStyles.None, CultureInfo.InvariantCulture, out var znodes) || znodes < 1000 || znodes > 2_000_000)
        {
            await Console.Error.WriteLineAsync("migrate --znodes: give a number of znodes from 1000 to 2000000");
            return 2;
        }

        var subnet = Arg(args, "--subnet") ?? "10.251.0.0/24";
        var prefix = Arg(args, "--prefix") ?? "zkm-bench-";
        var sizes = new List<int> { 0, znodes };
        // A million znodes do not fit the lab's default 256 MB heap: with --million every lab of the run gets 1.5 GB,
        // so the rows still compare like with like.
        var heap = args.Contains("--million") ? MillionHeap : ZkMitosis.Lab.Servers.ZooKeeperServerConfig.DefaultJvmHeap;
        if (args.Contains("--million"))
        {
            sizes.Add(1_000_000);
        }

        var loadAtStart = LoadAverage();
        var rows = new List<Row>();
        foreach (var size in sizes)
        {
            Console.WriteLine($"== chroot with {size:N0} extra znodes");
            rows.Add(await MeasureAsync(size, subnet, prefix, heap));
        }

        var small = rows[0];
        var text = new StringBuilder()
            .Append("Lab: 3 source, 3 destination, 3 Kafka broker stand-ins, another tenant; strategy observer; 8 stress sessions write in the chroot and follow Kafka to the destination. ")
            .Append(CultureInfo.InvariantCulture, $"The big labs' chroot also holds a Kafka-shaped tree (`{TreeName}`: topics of {KafkaShapedTree.PartitionsPerTopic} partitions with state, topic configs, about 100 bytes a znode). ")
            .Append(CultureInfo.InvariantCulture, $"Each ZooKeeper server's heap: {heap}. ")
            .Append("Baseline, elect and verify are the steps that read the whole chroot; \"last follows\" is from the first wave's start to every destination node following.\n\n")
            .Append("| chroot znodes | seed | baseline | elect | last follows | verify | other steps | total | total / small lab | destination window (workload) | window (srvr polls) |\n")
            .Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Znodes:N0} | {r.SeedSeconds:0.0} s | {r.Baseline:0.0} s | {r.Elect:0.0} s | {r.LastFollows:0.0} s | {r.Verify:0.0} s | {r.Total - r.Baseline - r.Elect - r.Verify:0.0} s | {r.Total:0.0} s | {r.Total / Math.Max(0.1, small.Total):0.00}× | {r.WindowMs} ms | {r.WindowPolledMs:0} ms |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nTarget: total ≤ 2 × the small lab's, window unchanged. Load average at the start: {loadAtStart}; at the end: {LoadAverage()} (the machine's 2 cores are shared).\n");
        BenchmarkReport.WriteSection("migrate-znodes", "Migration of a big chroot (`./zkm bench migrate --znodes N`)", text.ToString());
        Console.WriteLine(text);
        return 0;
    }

    private sealed record Row(long Znodes, double SeedSeconds, double Baseline, double Elect, double LastFollows, double Verify, double Total, long WindowMs, double WindowPolledMs);

    /// <summary>Each ZooKeeper server's heap in a run with a million-znode lab.</summary>
    private const string MillionHeap = "1536m";

    private static async Task<Row> MeasureAsync(int extra, string subnet, string prefix, string heap)
    {
        await using var bench = await BenchLab.UpAsync("znodes", subnet, prefix, spec => spec with { ZooKeeperHeap = heap });
        var lab = bench.Lab;
        var text = bench.PlanText();
        var plan = PlanLoader.Load(text);
        var seed = Stopwatch.StartNew();
        await using (var client = await ZooKeeperClient.ConnectAsync(plan.SourceConnect, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(30) }))
        {
            if (extra > 0)
            {
                await KafkaShapedTree.CreateAsync(client, TreeName, extra);
            }
        }

        var seedSeconds = seed.Elapsed.TotalSeconds;
        Console.WriteLine($"seeded {extra:N0} znodes in {seedSeconds:0.0} s");

        var tenant = await StressWorkload.StartAsync(new StressOptions { ConnectString = plan.SourceConnect, Sessions = 8 }, CancellationToken.None);
        var report = await bench.MigrateWithTenantAsync(text, plan, tenant);
        var tenantResult = await tenant.StopAsync();
        await tenant.DisposeAsync();
        if (report.Status != "completed")
        {
            throw new InvalidOperationException($"the migration ended {report.Status}: {report.Failure}");
        }

        var chroot = report.Checks.FirstOrDefault(c => c.Name == "chroot-on-destination");
        Console.WriteLine($"chroot check: {chroot?.Detail}");
        var lastFollows = report.Election is { } e ? (e.CompletedAt - e.StartedAt).TotalSeconds : 0;
        return new Row(Persistent(report) ?? extra, seedSeconds, Seconds(report, "baseline"), Seconds(report, "elect"), lastFollows, Seconds(report, "verify"),
            report.TotalSeconds ?? 0, tenantResult.LongestGapMs, report.DestinationWindowMs);
    }

    /// <summary>The persistent znodes the verification found at the cut, from its check's detail.</summary>
    private static long? Persistent(MigrationReport report)
    {
        var detail = report.Checks.FirstOrDefault(c => c.Name == "chroot-on-destination")?.Detail;
        var first = detail?.Split(' ', 2)[0];
        return long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    private static double Seconds(MigrationReport report, string step) =>
        report.Timeline.FirstOrDefault(t => t.Step == step) is { Started: { } s, Ended: { } e } ? (e - s).TotalSeconds : 0;

    /// <summary>/proc/loadavg's 1, 5 and 15 minute averages.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
