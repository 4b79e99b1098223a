using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Bench;

/// <summary>
/// <c>./zkm bench copy-strategy --lab [--znodes N] [--subnet …] [--prefix …]</c>: the whole <c>copy</c> strategy (issue
/// 15) in a 3/3 lab whose chroot holds a Kafka-shaped tree of N extra znodes (default 100,000), the destination
/// already serving, the stress workload writing in the chroot until the block; once with <c>preCopy: snapshot</c> (a
/// source learner's agent reads its data dir) and once with <c>preCopy: client</c>, each in a fresh lab, the same run.
/// Measured: the pre-copy's rate, the Java client's no-ACL copy of the same chroot between the same servers (target:
/// ours with ACLs ≥ 0.7 × it), the source's getData p99 before and during the pre-copy, the mirror's catch-up, the
/// ZooKeeper-side block (target ≤ 1,000 ms) and the tenant's downtime.
/// </summary>
internal static class CopyStrategyLabBenchmark
{
    private const string TreeName = "/bench-tree";

    public static async Task<int> RunAsync(string[] args)
    {
        var znodes = 100_000;
        if (Arg(args, "--znodes") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out znodes) || znodes < 1000 || znodes > 2_000_000))
        {
            await Console.Error.WriteLineAsync("copy-strategy --lab --znodes: give a number of znodes from 1000 to 2000000");
            return 2;
        }

        var subnet = Arg(args, "--subnet") ?? "10.251.0.0/24";
        var prefix = Arg(args, "--prefix") ?? "zkm-bench-";
        var rows = new List<Row>();
        foreach (var preCopy in new[] { "snapshot", "client" })
        {
            Console.WriteLine($"== preCopy: {preCopy}");
            rows.Add(await MeasureAsync(preCopy, znodes, subnet, prefix));
        }

        var report = Render(rows, znodes);
        BenchmarkReport.WriteSection("copy-strategy-lab", "Strategy `copy`, whole, in the lab (`./zkm bench copy-strategy --lab`)", report);
        Console.WriteLine(report);
        return 0;
    }

    private sealed record Row(
        string PreCopy, long Znodes, double PreCopyMs, double PreCopyPerSecond, string ReadFrom, CopyStrategyBenchmark.JavaCopy Java,
        LatencyProbe.Result Idle, LatencyProbe.Result During, double MirrorStepSeconds, double DrainSeconds, double VerifySeconds, double? BlockMs, double? DowntimeMs, long Acknowledged, long Missing, double TotalSeconds)
    {
        /// <summary>Of the pre-copy, the agent's read of the data dir and its stream (ms); null when it read the server.</summary>
        public double? SnapshotReadMs { get; init; }

        /// <summary>How the verify read both sides: "from the data dirs" or "through the client".</summary>
        public string VerifyRead { get; init; } = "";
    }

    private static async Task<Row> MeasureAsync(string preCopy, int extra, string subnet, string prefix)
    {
        await using var bench = await BenchLab.UpAsync("copy", subnet, prefix);
        var lab = bench.Lab;
        var text = bench.PlanText($"copy\npreCopy: {preCopy}");
        var plan = PlanLoader.Load(text);
        foreach (var host in lab.Hosts.Where(h => h.Role == LabHostRole.Destination))
        {
            await lab.StartAsync(host.Name);
        }

        foreach (var host in lab.Hosts.Where(h => h.Role == LabHostRole.Destination))
        {
            await lab.WaitUntilServingAsync(host.Name, TimeSpan.FromSeconds(60));
        }

        await using (var client = await ZooKeeperClient.ConnectAsync(plan.SourceConnect, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(30) }))
        {
            await KafkaShapedTree.CreateAsync(client, TreeName, extra);
        }

        // The same server the strategy reads from (a follower), the same destination, the same tree.
        var learner = await FollowerAsync(plan);
        var destination = string.Join(',', plan.Destination.Select(d => d.ClientEndpoint));
        Console.WriteLine($"the Java client's no-ACL copy of {plan.Chroot} from {learner} to the destination");
        var java = await CopyStrategyBenchmark.JavaCopyAsync(bench.Directory, learner, plan.Chroot, destination, verify: false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Java: {java.Znodes:N0} znodes in {java.Seconds:0.00} s, {java.PerSecond:N0}/s"));

        Console.WriteLine("source latency, idle");
        var idle = await LatencyProbe.RunAsync(learner, plan.Chroot, Task.Delay(TimeSpan.FromSeconds(5)));

        var stress = await StressWorkload.StartAsync(new StressOptions { ConnectString = plan.SourceConnect, Sessions = 8 }, CancellationToken.None);
        var preCopyEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<LatencyProbe.Result>? during = null;
        Task<StressResult>? stressStopped = null;
        using var events = new EventLog(Path.Combine(bench.Directory, "events.log"), e =>
        {
            if (e.Step == "pre-copy" && e.Kind == MigrationEventKind.StepStarted)
            {
                during = LatencyProbe.RunAsync(learner, plan.Chroot, preCopyEnded.Task);
            }
            else if (e.Step == "pre-copy" && e.Kind is MigrationEventKind.StepCompleted or MigrationEventKind.StepFailed)
            {
                preCopyEnded.TrySetResult();
            }
            else if (e.Step == "block" && e.Kind == MigrationEventKind.StepStarted)
            {
                // The workload is part of the tenant: it stops when the block starts, as the brokers do.
                stressStopped = stress.StopAsync();
                stressStopped.Wait(TimeSpan.FromSeconds(30));
            }
        });
        var stateRoot = bench.StateRoot;
        MigrationReport report;
        try
        {
            report = await MigrationRunner.RunAsync(text, new MigrationRunOptions { StateRoot = stateRoot, Confirmation = new FixedConfirmation(true), Events = events }, CancellationToken.None);
        }
        finally
        {
            preCopyEnded.TrySetResult();
            stressStopped ??= stress.StopAsync();
            await stress.DisposeAsync();
        }

        Console.WriteLine(report.ToText());
        if (report.Status != "completed")
        {
            throw new InvalidOperationException($"the migration ended {report.Status}: {report.Failure}");
        }

        var stressResult = await stressStopped;
        var verification = await StressWorkload.VerifyAsync(plan.DestinationConnect, stressResult, CancellationToken.None);
        var journal = JournalState.From(FileJournal.ReadExisting(new MigrationStore(stateRoot).JournalPath(plan.PlanId)));
        var figures = journal.Observation("pre-copy", "copy:" + plan.Chroot) ?? throw new InvalidOperationException("the pre-copy journaled no figures");
        var diff = journal.Observation("verify-copy", "diff:" + plan.Chroot) ?? throw new InvalidOperationException("the verify journaled no diff");
        return new Row(
            preCopy,
            figures["sourceNodes"]!.GetValue<long>(),
            figures["milliseconds"]!.GetValue<double>(),
            figures["znodesPerSecond"]!.GetValue<double>(),
            figures["readFrom"]!.GetValue<string>(),
            java,
            idle,
            await (during ?? throw new InvalidOperationException("the pre-copy step never started")),
            Seconds(report, "mirror"),
            Seconds(report, "drain"),
            Seconds(report, "verify-copy"),
            report.Copy?.ZooKeeperBlockMs,
            report.Copy?.TenantDowntimeMs,
            stressResult.AcknowledgedWrites,
            verification.MissingWrites,
            report.TotalSeconds ?? 0)
        {
            SnapshotReadMs = figures["snapshotReadMilliseconds"]?.GetValue<double>(),
            VerifyRead = diff["read"]?.GetValue<string>() ?? "",
        };
    }

    /// <summary><c>host:port</c> of a source follower, as the strategy's reads pick one.</summary>
    private static async Task<string> FollowerAsync(MigrationPlan plan)
    {
        foreach (var server in plan.Source)
        {
            var srvr = await FourLetterWordQueries.SrvrAsync(server.Host, server.ClientPort, TimeSpan.FromSeconds(5));
            if (srvr.Mode == ZooKeeperServerMode.Follower)
            {
                return server.ClientEndpoint;
            }
        }

        throw new InvalidOperationException("no source server is a follower");
    }

    private static string Render(List<Row> rows, int extra)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Lab: 3 source, 3 destination (already serving), 3 Kafka broker stand-ins, another tenant; strategy `copy`. The chroot also holds a Kafka-shaped tree of {extra:N0} znodes (`{TreeName}`). ")
            .Append("8 stress sessions write in the chroot from the migration's start until the block. Each row is a fresh lab, the same run; the Java client's no-ACL copy (`bench/java/TreeCopyBaseline.java`, multiRead + multi, after a warm-up run) copies the same chroot from the same source follower to the same destination just before the migration (not diffed: the brokers write in the chroot meanwhile). ")
            .Append("The source's latency is one getData at a time on that follower, 5 s idle, then for as long as the pre-copy step ran.\n\n")
            .Append("| preCopy | znodes | pre-copy | znodes/s | Java no-ACL znodes/s | ours ÷ Java (target ≥ 0.70) | source p99 idle → during | mirror catch-up | drain + verify | ZooKeeper-side block (target ≤ 1,000 ms) | tenant downtime | writes acknowledged / missing | total |\n")
            .Append("|---|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---|---:|\n");
        foreach (var r in rows)
        {
            var ratio = r.PreCopyPerSecond / r.Java.PerSecond;
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.PreCopy} | {r.Znodes:N0} | {r.PreCopyMs / 1000:0.00} s | {r.PreCopyPerSecond:N0} | {r.Java.PerSecond:N0} | {ratio:0.00}{(ratio >= 0.7 ? "" : " **(missed)**")} | {r.Idle.P99Ms:0.00} → {r.During.P99Ms:0.00} ms | {r.MirrorStepSeconds:0.0} s | {r.DrainSeconds:0.0} s + {r.VerifySeconds:0.0} s | {r.BlockMs:N0} ms{(r.BlockMs <= 1000 ? "" : " **(missed)**")} | {r.DowntimeMs:N0} ms | {r.Acknowledged:N0} / {r.Missing} | {r.TotalSeconds:0.0} s |\n");
        }

        text.Append("\nThe pre-copy's rate includes its ACLs in both rows: `snapshot` reads them from the data dir with everything else (and the kinds the client API hides); `client` reads each with a getACL. The mirror's catch-up after a `snapshot` pre-copy reads a source ACL only for znodes created or setACL'd since the snapshot's zxid. The block is the `drain` step (the mirror applies every change up to the block's zxid and stops; with `snapshot`, the source learner's agent reads the chroot from its data dir meanwhile) and the `verify-copy` step (a faithful diff of the whole chroot, repairing what differs: with `snapshot` both sides read from the data dirs by their agents and compared in memory, with `client` through the client, every destination ACL with a getACL).\n\nWhere read: ");
        text.AppendJoin("; ", rows.Select(r => $"{r.PreCopy}: {r.ReadFrom}{(r.SnapshotReadMs is { } ms ? $" (the agent's read and stream: {ms / 1000:0.00} s of the pre-copy)" : "")}, verify read {r.VerifyRead}"));
        text.Append(".\n");
        return text.ToString();
    }

    private static double Seconds(MigrationReport report, string step) =>
        report.Timeline.FirstOrDefault(t => t.Step == step) is { Started: { } s, Ended: { } e } ? (e - s).TotalSeconds : 0;

    private static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
