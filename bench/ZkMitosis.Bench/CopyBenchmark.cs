using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Lab.Servers;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Bench;

/// <summary>
/// <c>./zkm bench copy [--znodes N] [--million]</c>: a Kafka-shaped tree (100,000 znodes, about 10 MB) copied
/// between two local standalone servers by the real <c>zkmitosis copy</c> command in its own process, once per
/// read path; znodes/s and the copy process's peak RSS. <c>--million</c> adds the 1,000,000-znode peak RSS
/// check (it takes a few minutes, so it is opt-in).
/// </summary>
internal static class CopyBenchmark
{
    private const double MultiReadTarget = 50_000;
    private const double PerOpTarget = 15_000;
    private const double RssTargetMb = 150;

    public static async Task<int> RunAsync(string[] args)
    {
        var znodes = 100_000;
        var million = args.Contains("--million");
        var index = Array.IndexOf(args, "--znodes");
        if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out znodes)))
        {
            await Console.Error.WriteLineAsync("usage: ./zkm bench copy [--znodes N] [--million]");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), $"zkm-bench-copy-{Guid.NewGuid():N}"[..24]);
        var heap = million ? "3g" : "1g";
        await using var source = StartServer(Path.Combine(work, "source"), heap);
        await using var target = StartServer(Path.Combine(work, "target"), heap);
        try
        {
            await Task.WhenAll(source.WaitUntilServingAsync(TimeSpan.FromSeconds(60)), target.WaitUntilServingAsync(TimeSpan.FromSeconds(60)));
            var sourceHosts = Hosts(source);
            var targetHosts = Hosts(target);
            var rows = new List<Row>();
            var servers = (source.Pid, target.Pid);
            Console.WriteLine($"creating {znodes:N0} Kafka-shaped znodes on the source");
            long created;
            await using (var client = await ZooKeeperClient.ConnectAsync(sourceHosts))
            {
                created = await KafkaShapedTree.CreateAsync(client, "/kafka", znodes);
            }

            // Production servers are warm: their JIT has compiled the paths a copy drives. Two throw-away copies
            // (every read path and request kind) warm both fresh servers before anything is timed.
            Console.WriteLine("warming both servers up with two throw-away copies");
            foreach (var (readPath, acls, path) in new[] { (ReadPath.MultiRead, true, "/warm-up-a"), (ReadPath.PerOp, false, "/warm-up-b") })
            {
                await MeasureAsync(servers, readPath, acls, $"{sourceHosts}/kafka", $"{targetHosts}{path}");
                await DeleteAsync(targetHosts, path);
            }

            foreach (var (readPath, acls) in new[] { (ReadPath.MultiRead, true), (ReadPath.PerOp, true), (ReadPath.MultiRead, false), (ReadPath.PerOp, false) })
            {
                var targetPath = $"/kafka-{readPath.ToString().ToLowerInvariant()}{(acls ? string.Empty : "-noacl")}";
                Console.WriteLine($"copying with {readPath}{(acls ? string.Empty : " --no-acls")}");
                var row = await MeasureAsync(servers, readPath, acls, $"{sourceHosts}/kafka", $"{targetHosts}{targetPath}");
                await VerifyAsync($"{sourceHosts}/kafka", $"{targetHosts}{targetPath}");
                await DeleteAsync(targetHosts, targetPath);
                rows.Add(row);
                Console.WriteLine(row.Describe());
            }

            if (million)
            {
                var millionCount = 1_000_000;
                Console.WriteLine($"creating {millionCount:N0} Kafka-shaped znodes on the source");
                await using (var client = await ZooKeeperClient.ConnectAsync(sourceHosts, new ZooKeeperClientOptions { RequestTimeout = TimeSpan.FromSeconds(60) }))
                {
                    await KafkaShapedTree.CreateAsync(client, "/kafka-million", millionCount);
                }

                var row = await MeasureAsync(servers, ReadPath.MultiRead, true, $"{sourceHosts}/kafka-million", $"{targetHosts}/kafka-million");
                rows.Add(row);
                Console.WriteLine(row.Describe());
            }

            BenchmarkReport.WriteSection("copy", "Copy: `zkmitosis copy` between two local standalone servers", Render(rows, created, million));
            var met = rows.All(r => r.Met);
            Console.WriteLine(met ? "all targets met" : "some targets NOT met (see the table)");
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

    internal static async Task<Row> MeasureAsync((int Source, int Target) servers, ReadPath readPath, bool acls, string source, string target)
    {
        var serversCpu = ProcessCpu.Seconds(servers.Source) + ProcessCpu.Seconds(servers.Target);
        string[] args = ["copy", "--source", source, "--target", target, "--read-path", readPath.ToString(), "--json", .. acls ? Array.Empty<string>() : ["--no-acls"]];
        var (exit, output, peakRssKb, cpuSeconds) = await RunCliAsync(args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"zkmitosis copy exited {exit}: {output}");
        }

        using var summary = JsonDocument.Parse(output);
        var nodes = summary.RootElement.GetProperty("sourceNodes").GetInt64();
        var seconds = TimeSpan.Parse(summary.RootElement.GetProperty("elapsed").GetString()!, CultureInfo.InvariantCulture).TotalSeconds;
        serversCpu = ProcessCpu.Seconds(servers.Source) + ProcessCpu.Seconds(servers.Target) - serversCpu;
        return new Row(readPath, acls, nodes, seconds, peakRssKb / 1024.0, cpuSeconds, serversCpu);
    }

    internal static async Task VerifyAsync(string source, string target)
    {
        var (exit, output, _, _) = await RunCliAsync("diff", "--source", source, "--target", target, "--json");
        if (exit != 0)
        {
            throw new InvalidOperationException($"the copy is not equal to its source (zkmitosis diff exited {exit}): {output[..Math.Min(2000, output.Length)]}");
        }
    }

    /// <summary>Removes a copy from the target, so that every copy meets the same server (heap, tree size).</summary>
    internal static async Task DeleteAsync(string hosts, string path)
    {
        var (exit, output, _, _) = await RunCliAsync("zk", "--connect", hosts, "delete", "--recursive", path);
        if (exit != 0)
        {
            throw new InvalidOperationException($"could not delete {path} from the target: {output}");
        }
    }

    /// <summary>Runs the CLI and samples its peak resident set (VmHWM) and its CPU time (user + system) until it exits.</summary>
    private static async Task<(int Exit, string Output, long PeakRssKb, double CpuSeconds)> RunCliAsync(params string[] args)
    {
        using var process = Process.Start(CliLocator.StartInfo(args)) ?? throw new InvalidOperationException("could not start zkmitosis");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        long peak = 0;
        double cpu = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ReadPeakRssKb(process.Id));
            cpu = Math.Max(cpu, ProcessCpu.Seconds(process.Id));
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        var text = await output;
        var errors = await error;
        return (process.ExitCode, process.ExitCode == 0 ? text : text + errors, peak, cpu);
    }

    private static long ReadPeakRssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Render(List<Row> rows, long created, bool million)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Source: a Kafka-shaped tree of {created:N0} znodes (topics of {KafkaShapedTree.PartitionsPerTopic} partitions with state, topic configs; about 100 bytes each), copied by the `zkmitosis copy` process ({CliLocator.Form}; RSS sampled from /proc every 20 ms) to an empty path on a second standalone server on the same machine (production JVM settings). Both servers are warmed up first by two throw-away copies; every copy is checked equal by `zkmitosis diff`, then deleted.\n\n");
        text.Append("| read path | znodes | seconds | znodes/s | target znodes/s | copier CPU s | both servers' CPU s | server ceiling znodes/s | peak RSS MB | RSS target MB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.ReadPath}{(row.Acls ? " + getACL" : " --no-acls")} | {row.Nodes:N0} | {row.Seconds:0.00} | {row.PerSecond:N0} | {row.TargetPerSecond:N0}{(row.RateMet ? string.Empty : " **(missed)**")} | {row.CpuSeconds:0.0} | {row.ServersCpuSeconds:0.0} | {row.ServerCeiling:N0} | {row.PeakRssMb:0} | {RssTargetMb:0}{(row.RssMet ? string.Empty : " **(missed)**")} |\n");
        }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        text.Append(CultureInfo.InvariantCulture, $"\nLoad average (1 min) when the run ended: {load}. `getACL` has no multi form, so copying ACLs costs one single request per znode; `--no-acls` shows the copy without it. The server ceiling is {Environment.ProcessorCount} cores divided by the CPU the source and target JVMs spent per znode in that copy: what the servers alone allow here, whatever the client.\n");
        text.Append("\nReference from the issue, measured on this machine: zkcopy (Java) about 1,700 znodes/s and 680 MB RSS for 100,000 znodes; the server ceiling with the official Java client about 72,000 znodes/s (multiRead + multi).\n");
        if (!million)
        {
            text.Append("\nThe 1,000,000-znode peak RSS check is opt-in (`./zkm bench copy --million`, a few minutes).\n");
        }

        return text.ToString();
    }

    internal static ZooKeeperServerProcess StartServer(string directory, string heap)
    {
        var server = new ZooKeeperServerProcess(new ZooKeeperServerConfig
        {
            Directory = directory,
            ClientPort = FreePort(),
            JvmHeap = heap,
            ProductionJvm = true,
            ExtraOptions = new Dictionary<string, string> { ["maxClientCnxns"] = "0" },
        });
        server.Start();
        return server;
    }

    internal static string Hosts(ZooKeeperServerProcess server) => $"{server.Config.ClientAddress}:{server.Config.ClientPort}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal sealed record Row(ReadPath ReadPath, bool Acls, long Nodes, double Seconds, double PeakRssMb, double CpuSeconds, double ServersCpuSeconds)
    {
        /// <summary>Znodes/s the two servers' own CPU per znode would allow on this machine's cores with a copier costing nothing.</summary>
        public double ServerCeiling => Nodes * Environment.ProcessorCount / Math.Max(ServersCpuSeconds, 1e-9);

        public double PerSecond => Nodes / Math.Max(Seconds, 1e-9);

        public double TargetPerSecond => ReadPath == ReadPath.MultiRead ? MultiReadTarget : PerOpTarget;

        public bool RateMet => PerSecond >= TargetPerSecond;

        public bool RssMet => PeakRssMb <= RssTargetMb;

        public bool Met => RateMet && RssMet;

        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{ReadPath}{(Acls ? string.Empty : " --no-acls")}: {Nodes:N0} znodes in {Seconds:0.00} s = {PerSecond:N0} znodes/s, peak RSS {PeakRssMb:0} MB");
    }
}
