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
/// target write in flight (the mirror before pipelining) and once pipelined: events applied per second, lag, and the
/// block (drain to the source's zxid, faithful diff). The Java client's no-ACL multiRead + multi copy of the same tree
/// (bench/java/TreeCopyBaseline.java) runs in the same run: the ACL copy's target is 0.7 × its rate (issue 15).
/// </summary>
internal static class CopyStrategyBenchmark
{
    private const int StressSessions = 8;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--lab"))
        {
            return await CopyStrategyLabBenchmark.RunAsync([.. args.Where(a => a != "--lab")]);
        }

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
            Console.WriteLine("the Java client's no-ACL copy of the same tree (multiRead + multi), once to warm its JIT, then measured");
            var java = await JavaCopyAsync(work, sourceHosts, "/kafka", targetHosts);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Java: {java.Znodes:N0} znodes in {java.Seconds:0.00} s, {java.PerSecond:N0}/s"));

            var mirrors = new List<MirrorRun>();
            foreach (var inFlight in new[] { 1, 500 })
            {
                Console.WriteLine($"mirror, {inFlight} target write(s) in flight, under {StressSessions} stress sessions for {seconds} s");
                var run = await MirrorUnderWorkloadAsync(sourceHosts, targetHosts, inFlight, seconds, work);
                Console.WriteLine(run.Describe());
                mirrors.Add(run);
            }

            BenchmarkReport.WriteSection("copy-strategy", "Strategy `copy`: pre-copy, source latency, live mirror (`./zkm bench copy-strategy`)", Render(created, before, during, withAcls, noAcls, java, mirrors, seconds));
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

            // The block, as the strategy's drain and verify-copy steps run it: the tenant (the workload) has stopped; read
            // the source's zxid, let the mirror apply every change up to it (one last re-scan) and stop, then diff faithfully.
            var block = Stopwatch.StartNew();
            await using var writer = await ZooKeeperClient.ConnectAsync(sourceHosts);
            await writer.SyncAsync("/");
            var last = Math.Max((await writer.ExistsAsync("/kafka"))!.Pzxid, writer.LastZxidSeen);
            long drainEvents = mirror.Status.EventsApplied;
            var drained = true;
            MirrorStatus stopped;
            try
            {
                stopped = await mirror.StopAfterAsync(last).WaitAsync(TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException)
            {
                drained = false;
                await mirror.StopAsync();
                stopped = mirror.Status;
            }

            drainEvents = stopped.EventsApplied - drainEvents;
            var drainSeconds = block.Elapsed.TotalSeconds;
            var diff = await TreeDiffer.DiffAsync(new DiffOptions
            {
                Source = TreeLocation.Parse($"{sourceHosts}/kafka"),
                Target = TreeLocation.Parse($"{targetHosts}{targetPath}"),
                Faithful = true,
                ListedDifferences = 5,
            });
            var blockMs = block.Elapsed.TotalMilliseconds;
            if (!diff.Equal)
            {
                Console.WriteLine($"the mirror's copy differs from the source after the drain in {diff.DifferenceCount} place(s): {string.Join("; ", diff.Differences.Select(d => $"{d.Kind} {d.Path}"))}");
            }

            return new MirrorRun(inFlight, result.AcknowledgedWrites, workloadSeconds, (during.EventsApplied - appliedAtStart) / workloadSeconds, received,
                Percentile(lagMs, 0.5), Percentile(lagMs, 0.95), lagMs.DefaultIfEmpty().Max(), Percentile([.. lagTxns.Select(t => (double)t)], 0.5),
                drained, drainSeconds, drainEvents / Math.Max(drainSeconds, 1e-3), diff.Equal ? null : diff.DifferenceCount, diff.Compared, diff.Elapsed.TotalMilliseconds, blockMs);
        }
    }

    /// <summary>bench/java/TreeCopyBaseline.java (Debian's zookeeper.jar): a throw-away run to warm its JIT, then the measured one; each copy deleted after.</summary>
    /// <param name="work">A scratch directory for the compiled classes.</param>
    /// <param name="sourceHosts">The source server(s), <c>host:port</c>.</param>
    /// <param name="sourcePath">The source tree's root.</param>
    /// <param name="targetHosts">The target server(s), <c>host:port</c>; the copies go to /java-warm-up and /kafka-java.</param>
    /// <param name="verify">Diff the measured copy with the source (a source tree nobody writes to meanwhile).</param>
    internal static async Task<JavaCopy> JavaCopyAsync(string work, string sourceHosts, string sourcePath, string targetHosts, bool verify = true)
    {
        var classes = ClientBenchmark.CompileJavaBaseline(work, "TreeCopyBaseline.java");
        JavaCopy? measured = null;
        foreach (var path in new[] { "/java-warm-up", "/kafka-java" })
        {
            var (code, output) = await Task.Run(() => ClientBenchmark.Run("java", ["-cp", ClientBenchmark.JavaClassPath(classes), "TreeCopyBaseline", sourceHosts, sourcePath, targetHosts, path], TimeSpan.FromMinutes(5)));
            if (code != 0)
            {
                throw new InvalidOperationException($"java TreeCopyBaseline failed ({code}): {output}");
            }

            var results = output.Split('\n').Where(l => l.StartsWith("RESULT ", StringComparison.Ordinal)).Select(l => l.Split(' '))
                .ToDictionary(p => p[1], p => double.Parse(p[2], CultureInfo.InvariantCulture), StringComparer.Ordinal);
            measured = new JavaCopy((long)results["znodes"], results["seconds"]);
            if (path == "/kafka-java" && verify)
            {
                // Same tree, data and shape (no ACLs, no versions: it is the no-ACL copy).
                await CopyBenchmark.VerifyAsync($"{sourceHosts}{sourcePath}", $"{targetHosts}{path}");
            }

            await CopyBenchmark.DeleteAsync(targetHosts, path);
        }

        return measured!;
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

    private static string Render(long created, LatencyProbe.Result before, LatencyProbe.Result during, CopyBenchmark.Row withAcls, CopyBenchmark.Row noAcls, JavaCopy java, List<MirrorRun> mirrors, int seconds)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Two standalone ZooKeeper 3.8 servers on this machine (production JVM settings, 1 GiB heap); the source holds a Kafka-shaped chroot `/kafka` of {created:N0} znodes. Both servers are warmed up by one throw-away copy first.\n\n");
        text.Append("**Pre-copy** (`zkmitosis copy`, multiRead, its own process, checked equal by `zkmitosis diff`), and the source's latency: one getData at a time on the source chroot by a separate session, 5 s idle, then for as long as the ACL copy ran.\n\n");
        text.Append("| copy | znodes | seconds | znodes/s |\n|---|---:|---:|---:|\n");
        foreach (var row in new[] { withAcls, noAcls })
        {
            text.Append(CultureInfo.InvariantCulture, $"| {(row.Acls ? "with ACLs (getACL per znode)" : "--no-acls")} | {row.Nodes:N0} | {row.Seconds:0.00} | {row.PerSecond:N0} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"| the Java client, no ACLs (multiRead + multi, `bench/java/TreeCopyBaseline.java`, after a warm-up run) | {java.Znodes:N0} | {java.Seconds:0.00} | {java.PerSecond:N0} |\n");
        var ratio = withAcls.PerSecond / java.PerSecond;
        text.Append(CultureInfo.InvariantCulture, $"\nOurs with ACLs ÷ the Java client without: {ratio:0.00} (target ≥ 0.70{(ratio >= 0.7 ? ", met" : ", **missed**")}).\n");

        text.Append("\n| source getData latency | requests | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
        foreach (var (name, r) in new[] { ("before the pre-copy (idle)", before), ("during the pre-copy with ACLs", during) })
        {
            text.Append(CultureInfo.InvariantCulture, $"| {name} | {r.Count:N0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.MaxMs:0.00} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n**Live mirror** (`TreeMirror`, in the bench process, no periodic re-scan) of `/kafka` while `zkmitosis stress run` ({StressSessions} sessions, its own process) writes under it for {seconds} s; lag sampled every 500 ms; then the block as the strategy's `drain` and `verify-copy` steps run it: the workload (the tenant) stops, the source's zxid is read, the mirror applies every change up to it with one last re-scan and stops (`StopAfterAsync`), and the chroot is diffed faithfully (`TreeDiffer`, data, ACLs, versions, sequential counters). The ZooKeeper-side block is that drain plus the diff (target ≤ 1,000 ms); the strategy adds the agents' stop calls before it. The first row writes to the target one request at a time (the mirror before pipelining), the second pipelines them, in the same run.\n\n");
        text.Append("| target writes in flight | writes acknowledged | events applied/s under the workload | lag ms median / p95 / max | lag txns median | drain s | events applied/s while draining | diff (znodes, ms) | ZooKeeper-side block ms |\n|---:|---:|---:|---|---:|---:|---:|---|---:|\n");
        foreach (var m in mirrors)
        {
            var verdict = m.Differences is null ? "equal" : $"**{m.Differences} differences**";
            text.Append(CultureInfo.InvariantCulture, $"| {m.InFlight} | {m.Acknowledged:N0} ({m.Acknowledged / m.WorkloadSeconds:N0}/s) | {m.AppliedPerSecond:N0} | {m.LagMedianMs:N0} / {m.LagP95Ms:N0} / {m.LagMaxMs:N0} | {m.LagTxnsMedian:N0} | {(m.Drained ? m.DrainSeconds.ToString("0.00", CultureInfo.InvariantCulture) : "**not drained within 3 min**")} | {m.DrainPerSecond:N0} | {verdict}, {m.Compared:N0}, {m.DiffMs:N0} | {m.BlockMs:N0}{(m.BlockMs <= 1000 ? "" : " **(missed)**")} |\n");
        }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        text.Append(CultureInfo.InvariantCulture, $"\nLoad average (1 min) when the run ended: {load}.\n\n");
        text.Append("Not measured here: the tenant's whole downtime (its hosts' stops and starts: the lab's `CopyStrategyLabTests` reports it per run). The latency probe is this bench's own one-at-a-time getData, not `zkmitosis smoketest`.\n");
        return text.ToString();
    }

    /// <summary>One mirror run: the workload's figures, the lag, and the block (drain to the source's zxid, then the faithful diff; <paramref name="Differences"/> null when equal).</summary>
    private sealed record MirrorRun(int InFlight, long Acknowledged, double WorkloadSeconds, double AppliedPerSecond, long Received, double LagMedianMs, double LagP95Ms, double LagMaxMs, double LagTxnsMedian, bool Drained, double DrainSeconds, double DrainPerSecond, long? Differences, long Compared, double DiffMs, double BlockMs)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{InFlight} in flight: {Acknowledged:N0} writes acknowledged, {AppliedPerSecond:N0} events applied/s under the workload, lag median {LagMedianMs:N0} ms (p95 {LagP95Ms:N0}, max {LagMaxMs:N0}), drained {Drained} in {DrainSeconds:0.0} s at {DrainPerSecond:N0} events/s; block {BlockMs:N0} ms (diff of {Compared:N0} znodes {DiffMs:N0} ms, {(Differences is null ? "equal" : $"{Differences} differences")})");
    }

    /// <summary>The Java client's measured no-ACL copy.</summary>
    internal sealed record JavaCopy(long Znodes, double Seconds)
    {
        public double PerSecond => Znodes / Seconds;
    }
}
