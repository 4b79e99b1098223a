using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Mirror;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Bench;

/// <summary>
/// <c>./zkm bench copy-strategy [--znodes N] [--seconds S]</c>: the parts of the <c>copy</c> strategy (issue 15) on
/// two local standalone servers: a Kafka-shaped chroot (100,000 znodes) pre-copied with ACLs by the
/// <c>zkmitosis copy</c> process while a probe measures the source's getData latency (p99 before and during), the
/// same copy without ACLs, and the live mirror under the stress workload written into the chroot, once with one
/// target write in flight (the mirror before pipelining) and once pipelined: events applied per second, lag, drain.
/// </summary>
internal static class CopyStrategyBenchmark
{
    private const int StressSessions = 8;

    public static async Task<int> RunAsync(string[] args)
    {
        var znodes = 100_000;
        var seconds = 15;
        for (var i = 0; i < args.Length; i++)
        {
            var ok = args[i] switch
            {
                "--znodes" => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out znodes),
                "--seconds" => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out seconds),
                _ => false,
            };
            if (!ok || znodes < 1 || seconds < 1)
            {
                await Console.Error.WriteLineAsync("usage: ./zkm bench copy-strategy [--znodes N] [--seconds S]");
                return 2;
            }
        }

        var work = Path.Combine(Path.GetTempPath(), $"zkm-bench-strategy-{Guid.NewGuid():N}"[..28]);
        await using var source = CopyBenchmark.StartServer(Path.Combine(work, "source"), "1g");
        await using var target = CopyBenchmark.StartServer(Path.Combine(work, "target"), "1g");
        try
        {
            await Task.WhenAll(source.WaitUntilServingAsync(TimeSpan.FromSeconds(60)), target.WaitUntilServingAsync(TimeSpan.FromSeconds(60)));
            var sourceHosts = CopyBenchmark.Hosts(source);
            var targetHosts = CopyBenchmark.Hosts(target);
            var servers = (source.Pid, target.Pid);
            Console.WriteLine($"creating {znodes:N0} Kafka-shaped znodes on the source");
            long created;
            await using (var client = await ZooKeeperClient.ConnectAsync(sourceHosts))
            {
                created = await KafkaShapedTree.CreateAsync(client, "/kafka", znodes);
            }

            Console.WriteLine("warming both servers up with a throw-away copy");
            await CopyBenchmark.MeasureAsync(servers, ReadPath.MultiRead, true, $"{sourceHosts}/kafka", $"{targetHosts}/warm-up");
            await CopyBenchmark.DeleteAsync(targetHosts, "/warm-up");

            Console.WriteLine("source latency, idle");
            var before = await LatencyProbe.RunAsync(sourceHosts, "/kafka", Task.Delay(TimeSpan.FromSeconds(5)));
            Console.WriteLine("pre-copy with ACLs (source latency probed meanwhile)");
            var copyTask = CopyBenchmark.MeasureAsync(servers, ReadPath.MultiRead, true, $"{sourceHosts}/kafka", $"{targetHosts}/kafka");
            var during = await LatencyProbe.RunAsync(sourceHosts, "/kafka", copyTask);
            var withAcls = await copyTask;
            await CopyBenchmark.VerifyAsync($"{sourceHosts}/kafka", $"{targetHosts}/kafka");
            await CopyBenchmark.DeleteAsync(targetHosts, "/kafka");
            Console.WriteLine(withAcls.Describe());
            var noAcls = await CopyBenchmark.MeasureAsync(servers, ReadPath.MultiRead, false, $"{sourceHosts}/kafka", $"{targetHosts}/kafka-noacl");
            await CopyBenchmark.DeleteAsync(targetHosts, "/kafka-noacl");
            Console.WriteLine(noAcls.Describe());

            var mirrors = new List<MirrorRun>();
            foreach (var inFlight in new[] { 1, 500 })
            {
                Console.WriteLine($"mirror, {inFlight} target write(s) in flight, under {StressSessions} stress sessions for {seconds} s");
                var run = await MirrorUnderWorkloadAsync(sourceHosts, targetHosts, inFlight, seconds, work);
                Console.WriteLine(run.Describe());
                mirrors.Add(run);
            }

            BenchmarkReport.WriteSection("copy-strategy", "Strategy `copy`: pre-copy, source latency, live mirror (`./zkm bench copy-strategy`)", Render(created, before, during, withAcls, noAcls, mirrors, seconds));
            return 0;
        }
        finally
        {
            await source.KillAsync();
            await target.KillAsync();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    private static async Task<MirrorRun> MirrorUnderWorkloadAsync(string sourceHosts, string targetHosts, int inFlight, int seconds, string work)
    {
        var targetPath = $"/kafka-mirror-{inFlight}";
        await using var mirror = TreeMirror.Start(new MirrorOptions
        {
            Source = TreeLocation.Parse($"{sourceHosts}/kafka"),
            Target = TreeLocation.Parse($"{targetHosts}{targetPath}"),
            RescanInterval = TimeSpan.Zero,
            WritesInFlight = inFlight,
        });
        var deadline = Stopwatch.StartNew();
        while (mirror.Status.Phase != MirrorPhase.Following || mirror.Status.AppliedZxid < 0)
        {
            if (mirror.Completion.IsCompleted || deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                await mirror.Completion;
                throw new TimeoutException("the mirror's initial copy did not finish within 5 minutes");
            }

            await Task.Delay(100);
        }

        var lagMs = new List<double>();
        var lagTxns = new List<long>();
        var appliedAtStart = mirror.Status.EventsApplied;
        var clock = Stopwatch.StartNew();
        await using (var stress = await StressProcess.StartAsync($"{sourceHosts}/kafka", $"/stress-{inFlight}", StressSessions, Path.Combine(work, $"stress-{inFlight}.json")))
        {
            clock.Restart();
            appliedAtStart = mirror.Status.EventsApplied;
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(500);
                var status = mirror.Status;
                lagMs.Add(status.LagMs);
                lagTxns.Add(status.LagTxns);
            }

            var during = mirror.Status;
            var workloadSeconds = clock.Elapsed.TotalSeconds;
            var result = await stress.StopAsync();
            var received = mirror.Status.EventsReceived;
            await using var writer = await ZooKeeperClient.ConnectAsync(sourceHosts);
            await writer.SyncAsync("/");
            var last = (await writer.ExistsAsync("/kafka"))!.Pzxid;
            var drain = Stopwatch.StartNew();
            long drainEvents = mirror.Status.EventsApplied;
            var drained = true;
            try
            {
                await mirror.WaitUntilAppliedAsync(Math.Max(last, writer.LastZxidSeen)).WaitAsync(TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException)
            {
                drained = false;
            }

            drainEvents = mirror.Status.EventsApplied - drainEvents;
            var drainSeconds = drain.Elapsed.TotalSeconds;
            await mirror.StopAsync();
            return new MirrorRun(inFlight, result.AcknowledgedWrites, workloadSeconds, (during.EventsApplied - appliedAtStart) / workloadSeconds, received,
                Percentile(lagMs, 0.5), Percentile(lagMs, 0.95), lagMs.DefaultIfEmpty().Max(), Percentile([.. lagTxns.Select(t => (double)t)], 0.5),
                drained, drainSeconds, drainEvents / Math.Max(drainSeconds, 1e-3));
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static string Render(long created, LatencyProbe.Result before, LatencyProbe.Result during, CopyBenchmark.Row withAcls, CopyBenchmark.Row noAcls, List<MirrorRun> mirrors, int seconds)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Two standalone ZooKeeper 3.8 servers on this machine (production JVM settings, 1 GiB heap); the source holds a Kafka-shaped chroot `/kafka` of {created:N0} znodes. Both servers are warmed up by one throw-away copy first.\n\n");
        text.Append("**Pre-copy** (`zkmitosis copy`, multiRead, its own process, checked equal by `zkmitosis diff`), and the source's latency: one getData at a time on the source chroot by a separate session, 5 s idle, then for as long as the ACL copy ran.\n\n");
        text.Append("| copy | znodes | seconds | znodes/s |\n|---|---:|---:|---:|\n");
        foreach (var row in new[] { withAcls, noAcls })
        {
            text.Append(CultureInfo.InvariantCulture, $"| {(row.Acls ? "with ACLs (getACL per znode)" : "--no-acls")} | {row.Nodes:N0} | {row.Seconds:0.00} | {row.PerSecond:N0} |\n");
        }

        text.Append("\n| source getData latency | requests | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
        foreach (var (name, r) in new[] { ("before the pre-copy (idle)", before), ("during the pre-copy with ACLs", during) })
        {
            text.Append(CultureInfo.InvariantCulture, $"| {name} | {r.Count:N0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.MaxMs:0.00} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n**Live mirror** (`TreeMirror`, in the bench process, no periodic re-scan) of `/kafka` while `zkmitosis stress run` ({StressSessions} sessions, its own process) writes under it for {seconds} s; lag sampled every 500 ms; then the workload stops and the mirror drains to the source's last zxid. The first row writes to the target one request at a time (the mirror before pipelining), the second pipelines them, in the same run.\n\n");
        text.Append("| target writes in flight | writes acknowledged | events applied/s under the workload | lag ms median / p95 / max | lag txns median | drained | drain s | events applied/s while draining |\n|---:|---:|---:|---|---:|---|---:|---:|\n");
        foreach (var m in mirrors)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {m.InFlight} | {m.Acknowledged:N0} ({m.Acknowledged / m.WorkloadSeconds:N0}/s) | {m.AppliedPerSecond:N0} | {m.LagMedianMs:N0} / {m.LagP95Ms:N0} / {m.LagMaxMs:N0} | {m.LagTxnsMedian:N0} | {(m.Drained ? "yes" : "**no, within 3 min**")} | {m.DrainSeconds:0.0} | {m.DrainPerSecond:N0} |\n");
        }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        text.Append(CultureInfo.InvariantCulture, $"\nLoad average (1 min) when the run ended: {load}.\n\n");
        text.Append("Not measured here: the ZooKeeper-side block and the tenant's downtime (the `copy` strategy's block step is built on another branch), and the Java client's no-ACL multiRead + multi copy of the same tree (no Java copy exists in `bench/java`; the issue's figure on this machine: 59,610 znodes/s). The latency probe is this bench's own one-at-a-time getData, not `zkmitosis smoketest`.\n");
        return text.ToString();
    }

    private sealed record MirrorRun(int InFlight, long Acknowledged, double WorkloadSeconds, double AppliedPerSecond, long Received, double LagMedianMs, double LagP95Ms, double LagMaxMs, double LagTxnsMedian, bool Drained, double DrainSeconds, double DrainPerSecond)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{InFlight} in flight: {Acknowledged:N0} writes acknowledged, {AppliedPerSecond:N0} events applied/s under the workload, lag median {LagMedianMs:N0} ms (p95 {LagP95Ms:N0}, max {LagMaxMs:N0}), drained {Drained} in {DrainSeconds:0.0} s at {DrainPerSecond:N0} events/s");
    }
}
