using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ZkMitosis.Bench;

/// <summary>
/// `./zkm bench agent [--runs N]`: idle RSS and start-to-ready of the agent, in each form it can be shipped:
/// framework-dependent (the build output), self-contained, self-contained with ReadyToRun, and Native AOT (what the
/// packages ship; publishing it needs clang and zlib1g-dev).
/// Ready = the monitoring port answers <c>/readyz</c>. Targets: ≤ 40 MB RSS idle, ≤ 300 ms to ready.
/// </summary>
internal static class AgentBenchmark
{
    private const double RssTargetMb = 40;
    private const double ReadyTargetMs = 300;

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length >= 2 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var root = FindRoot();
        var work = Directory.CreateTempSubdirectory("zkmitosis-agent-bench").FullName;
        try
        {
            var variants = new List<(string Name, string[] Command)>
            {
                ("framework-dependent (dotnet zkmitosis-agent.dll)", ["dotnet", Path.Combine(root, "agent", "bin", "Release", "net10.0", "zkmitosis-agent.dll")]),
            };
            foreach (var (name, properties) in new[] { ("self-contained", "-p:PublishReadyToRun=false"), ("self-contained + ReadyToRun", "-p:PublishReadyToRun=true"), ("Native AOT", "-p:PublishAot=true") })
            {
                var output = Path.Combine(work, name.Replace(' ', '-').Replace("+", "", StringComparison.Ordinal));
                Console.WriteLine($"publishing {name} …");
                var publish = Process.Start("dotnet", ["publish", Path.Combine(root, "agent", "ZkMitosis.Agent.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained", properties, "-p:DebugType=none", "-o", output, "-nologo", "-v:quiet"])!;
                await publish.WaitForExitAsync();
                if (publish.ExitCode != 0)
                {
                    await Console.Error.WriteLineAsync($"publish of {name} failed");
                    return 1;
                }

                variants.Add((name, [Path.Combine(output, "zkmitosis-agent")]));
            }

            var table = new StringBuilder("| form | start → /readyz (median of " + runs + ") | idle RSS (median) |\n|---|---|---|\n");
            var results = new List<(string Name, double ReadyMs, double RssMb)>();
            foreach (var (name, command) in variants)
            {
                var ready = new List<double>();
                var rss = new List<double>();
                for (var run = 0; run < runs; run++)
                {
                    var (readyMs, rssMb) = await MeasureAsync(command, work);
                    ready.Add(readyMs);
                    rss.Add(rssMb);
                }

                var result = (name, Median(ready), Median(rss));
                results.Add(result);
                table.Append(CultureInfo.InvariantCulture, $"| {name} | {result.Item2:0} ms | {result.Item3:0.0} MB |\n");
                Console.WriteLine($"{name}: ready {result.Item2:0} ms, RSS {result.Item3:0.0} MB");
            }

            var shipped = results[^1];
            table.Append(CultureInfo.InvariantCulture, $"\nTargets: ≤ {RssTargetMb:0} MB idle RSS, ≤ {ReadyTargetMs:0} ms to ready. The packages ship the last form: ")
                .Append(shipped.ReadyMs <= ReadyTargetMs ? "start target met" : $"start target missed ({shipped.ReadyMs:0} ms)")
                .Append(", ")
                .Append(shipped.RssMb <= RssTargetMb ? "RSS target met." : $"RSS target missed ({shipped.RssMb:0.0} MB).")
                .Append("\n`./zkm test` runs the agent tests and every lab migration against that Native AOT binary.\n");
            BenchmarkReport.WriteSection("agent", "Agent: idle RSS and start to ready", table.ToString());
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(double ReadyMs, double RssMb)> MeasureAsync(string[] command, string work)
    {
        var port = FreePort();
        var monitoring = FreePort();
        var directory = Directory.CreateDirectory(Path.Combine(work, "run-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var zooCfg = Path.Combine(directory, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={directory}/data\nclientPort={FreePort()}\n");
        var config = Path.Combine(directory, "agent.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Role": "zookeeper", "ListenAddress": "127.0.0.1", "ListenPort": {{port}}, "MonitoringAddress": "127.0.0.1", "MonitoringPort": {{monitoring}},
              "StateDirectory": "{{directory}}/state", "Insecure": true, "ZooKeeper": { "ConfigPath": "{{zooCfg}}" },
              "Service": { "Backend": "command", "ZooKeeperCommands": { "Start": "true", "Stop": "true", "Status": "false" } }, "Firewall": { "Backend": "nftables" } }
            """);
        var startInfo = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command[1..].Append("--config").Append(config))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            double readyMs = -1;
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{monitoring}/readyz"));
                    if (response.IsSuccessStatusCode)
                    {
                        readyMs = stopwatch.Elapsed.TotalMilliseconds;
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(5);
            }

            // Idle: a few seconds after ready, as a scraper would find it.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var rssKb = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return (readyMs, double.Parse(rssKb, CultureInfo.InvariantCulture) / 1024);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("run from the repository (./zkm bench agent)");
    }
}
