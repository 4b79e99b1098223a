using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ZkMitosis.Lab.Servers;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Bench;

/// <summary>
/// `./zkm bench client [--seconds N]`: our client against the official Java client (Debian's zookeeper.jar,
/// bench/java/ClientBaseline.java compiled with javac on the spot), each on a fresh local standalone server,
/// in the same run: pipelined getData ops/s (1,000 in flight), multi-batched creates znodes/s (1,000 creates a
/// request, 16 in flight), multiRead znodes/s (500 getData a request, 16 in flight). With <c>--tls</c> both clients
/// reach the server's Netty <c>secureClientPort</c> (<see cref="ClientTls"/>) instead, and the run writes its own
/// section.
/// </summary>
internal static class ClientBenchmark
{
    private const int GetInFlight = 1000;
    private const int MultiInFlight = 16;
    private const int CreatesPerMulti = 1000;
    private const int ReadsPerMulti = 500;

    /// <summary>The official Java client's figures on this 2-core machine, from the issue: our targets.</summary>
    private static readonly Dictionary<string, double> Targets = new(StringComparer.Ordinal)
    {
        ["getData"] = 22_000,
        ["multiCreate"] = 135_000,
        ["multiRead"] = 150_000,
    };

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["getData"] = "pipelined getData, 1,000 in flight (ops/s)",
        ["multiCreate"] = "multi creates, 1,000 per request, 16 in flight (znodes/s)",
        ["multiRead"] = "multiRead getData, 500 per request, 16 in flight (znodes/s)",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 5.0;
        var warmUp = 15.0;
        var tls = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length)
            {
                seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--server-warmup" && i + 1 < args.Length)
            {
                warmUp = double.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--tls")
            {
                tls = true;
            }
        }

        var workDirectory = Path.Combine(Path.GetTempPath(), $"zkm-bench-client-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workDirectory);
        try
        {
            var transport = tls ? ClientTls.Create(Path.Combine(workDirectory, "pki")) : null;
            Console.WriteLine($"ZkMitosis.ZooKeeper{(tls ? " over TLS" : "")}: {seconds:0.#} s per measurement");
            var ours = await WithServerAsync(workDirectory, "ours", warmUp, transport, (connect, pid) => MeasureOursAsync(connect, transport, pid, seconds));
            Print(ours);
            Console.WriteLine("Java client (zookeeper.jar):");
            IReadOnlyDictionary<string, double>? java = null;
            string? javaProblem = null;
            try
            {
                var classes = CompileJavaBaseline(workDirectory);
                java = await WithServerAsync(workDirectory, "java", warmUp, transport, (connect, _) => RunJavaBaselineAsync(classes, connect, transport, seconds));
                Print(java);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                javaProblem = e.Message;
                Console.Error.WriteLine($"Java baseline failed: {e.Message}");
            }

            if (tls)
            {
                BenchmarkReport.WriteSection("client-tls", "ZooKeeper client over TLS", ClientTlsReport.Render(ours, java, javaProblem, seconds, warmUp, Descriptions), after: "client");
            }
            else
            {
                BenchmarkReport.WriteSection("client", "ZooKeeper client", Render(ours, java, javaProblem, seconds, warmUp));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }

    private static void Print(IReadOnlyDictionary<string, double> results)
    {
        foreach (var (name, value) in results.Where(r => !r.Key.Contains('.', StringComparison.Ordinal)))
        {
            var cpu = results.TryGetValue(name + ".cpu", out var c) ? $"{c,8:0.00} µs client CPU per op" : "";
            cpu += results.TryGetValue(name + ".server", out var sc) ? $", {sc:0.00} µs server CPU per op" : "";
            Console.WriteLine($"  {Descriptions[name],-62} {value,12:N0} {cpu}");
        }
    }

    private static string Render(IReadOnlyDictionary<string, double> ours, IReadOnlyDictionary<string, double>? java, string? javaProblem, double seconds, double warmUp)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Each client on a fresh local standalone ZooKeeper 3.8 (Debian package, 1 GiB heap, the JVM's default JIT and collector), warmed up by {warmUp:0} s of the same load from our client before either client measures (a server's JIT takes that long to settle, and production servers are warm), then {seconds:0.#} s per measurement after a 1 s client warm-up; the Java client is Debian's `zookeeper.jar` driven by `bench/java/ClientBaseline.java`, measured in the same run. Load average at the start: {LoadAverage()} (the machine's 2 cores are shared; throughput is bounded by the server JVM on the same cores, so the client CPU per operation is the steadier comparison).\n\n");
        text.Append("| measurement | ZkMitosis.ZooKeeper | Java client | ratio | target | client CPU µs/op (ours / Java) | server CPU µs/op (ours) | server ceiling (2 cores ÷ server CPU) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var (name, value) in ours.Where(r => !r.Key.Contains('.', StringComparison.Ordinal)))
        {
            var javaValue = java is not null && java.TryGetValue(name, out var j) ? j : (double?)null;
            var ourCpu = ours.TryGetValue(name + ".cpu", out var oc) ? oc.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
            var javaCpu = java is not null && java.TryGetValue(name + ".cpu", out var jc) ? jc.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
            text.Append(CultureInfo.InvariantCulture, $"| {Descriptions[name]} | {value:N0} | {(javaValue is null ? "n/a" : javaValue.Value.ToString("N0", CultureInfo.InvariantCulture))} | {(javaValue is null ? "n/a" : (value / javaValue.Value).ToString("0.00", CultureInfo.InvariantCulture) + "×")} | ≥ {Targets[name]:N0} {(value >= Targets[name] ? "✅" : "❌")} | {ourCpu} / {javaCpu} | {ServerColumns(ours, name)} |\n");
        }

        if (ours.TryGetValue("getData.perSend", out var perSend) && ours.TryGetValue("getData.perReceive", out var perReceive))
        {
            text.Append(CultureInfo.InvariantCulture, $"\nOur getData batching: {perSend:0.0} requests per socket send, {perReceive:0.0} replies per receive.\n");
        }

        if (javaProblem is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nJava baseline not measured: {javaProblem}\n");
        }

        return text.ToString();
    }

    private static async Task<T> WithServerAsync<T>(string workDirectory, string name, double warmUpSeconds, ClientTls? tls, Func<string, int, Task<T>> run)
    {
        var port = FreePort();
        var securePort = tls is null ? 0 : FreePort();
        await using var server = new ZooKeeperServerProcess(new ZooKeeperServerConfig
        {
            Directory = Path.Combine(workDirectory, name),
            ClientPort = port,
            JvmHeap = "1g",
            ProductionJvm = true,
            ExtraOptions = tls?.ServerOptions(securePort) ?? new Dictionary<string, string>(),
        });
        server.Start();
        await server.WaitUntilServingAsync(TimeSpan.FromSeconds(60));
        var connect = $"127.0.0.1:{(tls is null ? port : securePort)}";
        await WarmUpServerAsync(connect, tls, warmUpSeconds);
        return await run(connect, server.Pid);
    }

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>
    /// The server JVM's CPU per operation during our measurement, and the rate two cores would allow the server
    /// alone if the client cost nothing: the ceiling any client can reach on this machine.
    /// </summary>
    internal static string ServerColumns(IReadOnlyDictionary<string, double> ours, string name) =>
        ours.TryGetValue(name + ".server", out var server) && server > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{server:0.00} | {Environment.ProcessorCount * 1_000_000 / server:N0}")
            : "n/a | n/a";

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A session with the loads' znodes under <paramref name="root"/>: ROOT/get (16 bytes) to read, ROOT/c to create under.</summary>
    private static async Task<ZooKeeperClient> ConnectWithTreeAsync(string connect, ClientTls? tls, string root)
    {
        var client = await ZooKeeperClient.ConnectAsync(connect, new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(30),
            RequestTimeout = TimeSpan.FromSeconds(60),
            Tls = tls?.Options,
        });
        await client.CreateAsync(root, default);
        await client.CreateAsync(root + "/get", new byte[16]);
        await client.CreateAsync(root + "/c", default);
        return client;
    }

    /// <summary>The three loads in turn, under their own path, so that the server's JIT has compiled their paths.</summary>
    private static async Task WarmUpServerAsync(string connect, ClientTls? tls, double seconds)
    {
        if (seconds <= 0)
        {
            return;
        }

        Console.WriteLine($"  warming the server up for {seconds:0} s");
        const string root = "/warm-up";
        await using var client = await ConnectWithTreeAsync(connect, tls, root);
        await GetDataAsync(client, root + "/get", seconds / 2);
        var (_, created) = await MultiCreateAsync(client, root + "/c", seconds / 4);
        await MultiReadAsync(client, root + "/c", created, seconds / 4);
    }

    private static async Task<IReadOnlyDictionary<string, double>> MeasureOursAsync(string connect, ClientTls? tls, int serverPid, double seconds)
    {
        const string root = "/dotnet-bench";
        await using var client = await ConnectWithTreeAsync(connect, tls, root);
        await GetDataAsync(client, root + "/get", 1.0);
        var results = new Dictionary<string, double>(StringComparer.Ordinal);
        var cpu = CpuTime();
        var serverCpu = TimeSpan.FromSeconds(ProcessCpu.Seconds(serverPid));
        var (sends, receives, requests) = (ZkMitosis.ZooKeeper.Connection.ConnectionCounters.Sends, ZkMitosis.ZooKeeper.Connection.ConnectionCounters.Receives, ZkMitosis.ZooKeeper.Connection.ConnectionCounters.Requests);
        results["getData"] = await GetDataAsync(client, root + "/get", seconds);
        results["getData.perSend"] = (ZkMitosis.ZooKeeper.Connection.ConnectionCounters.Requests - requests) / (double)(ZkMitosis.ZooKeeper.Connection.ConnectionCounters.Sends - sends);
        results["getData.perReceive"] = (ZkMitosis.ZooKeeper.Connection.ConnectionCounters.Requests - requests) / (double)(ZkMitosis.ZooKeeper.Connection.ConnectionCounters.Receives - receives);
        Console.WriteLine($"  getData batching: {results["getData.perSend"]:0.0} requests per send, {results["getData.perReceive"]:0.0} replies per receive");
        results["getData.cpu"] = (CpuTime() - cpu).TotalMicroseconds / (results["getData"] * seconds);
        results["getData.server"] = (TimeSpan.FromSeconds(ProcessCpu.Seconds(serverPid)) - serverCpu).TotalMicroseconds / (results["getData"] * seconds);
        cpu = CpuTime();
        serverCpu = TimeSpan.FromSeconds(ProcessCpu.Seconds(serverPid));
        var (createRate, created) = await MultiCreateAsync(client, root + "/c", seconds);
        results["multiCreate"] = createRate;
        results["multiCreate.cpu"] = (CpuTime() - cpu).TotalMicroseconds / created;
        results["multiCreate.server"] = (TimeSpan.FromSeconds(ProcessCpu.Seconds(serverPid)) - serverCpu).TotalMicroseconds / created;
        cpu = CpuTime();
        serverCpu = TimeSpan.FromSeconds(ProcessCpu.Seconds(serverPid));
        results["multiRead"] = await MultiReadAsync(client, root + "/c", created, seconds);
        results["multiRead.cpu"] = (CpuTime() - cpu).TotalMicroseconds / (results["multiRead"] * seconds);
        results["multiRead.server"] = (TimeSpan.FromSeconds(ProcessCpu.Seconds(serverPid)) - serverCpu).TotalMicroseconds / (results["multiRead"] * seconds);
        return results;
    }

    private static async Task<double> GetDataAsync(ZooKeeperClient client, string path, double seconds)
    {
        long done = 0;
        var stopwatch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        async Task Worker()
        {
            long mine = 0;
            while (stopwatch.Elapsed < end)
            {
                await client.GetDataAsync(path).ConfigureAwait(false);
                mine++;
            }

            Interlocked.Add(ref done, mine);
        }

        await Task.WhenAll(Enumerable.Range(0, GetInFlight).Select(_ => Task.Run(Worker)));
        return done / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<(double Rate, long Created)> MultiCreateAsync(ZooKeeperClient client, string parent, double seconds)
    {
        long next = -1;
        long done = 0;
        var data = new byte[16];
        var stopwatch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        async Task Worker()
        {
            var ops = new Op[CreatesPerMulti];
            while (stopwatch.Elapsed < end)
            {
                for (var i = 0; i < ops.Length; i++)
                {
                    ops[i] = Op.Create(string.Concat(parent, "/n", Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture)), data);
                }

                var result = await client.MultiAsync(ops).ConfigureAwait(false);
                result.EnsureCommitted();
                Interlocked.Add(ref done, result.Results.Count);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, MultiInFlight).Select(_ => Task.Run(Worker)));
        return (done / stopwatch.Elapsed.TotalSeconds, done);
    }

    private static async Task<double> MultiReadAsync(ZooKeeperClient client, string parent, long count, double seconds)
    {
        var paths = Enumerable.Range(0, (int)Math.Min(count, 200_000)).Select(i => string.Concat(parent, "/n", i.ToString(CultureInfo.InvariantCulture))).ToArray();
        long next = 0;
        long done = 0;
        var stopwatch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        async Task Worker()
        {
            var ops = new ReadOp[ReadsPerMulti];
            while (stopwatch.Elapsed < end)
            {
                for (var i = 0; i < ops.Length; i++)
                {
                    ops[i] = ReadOp.GetData(paths[Interlocked.Increment(ref next) % paths.Length]);
                }

                var results = await client.MultiReadAsync(ops).ConfigureAwait(false);
                if (results.Any(r => r.Error != KeeperErrorCode.Ok))
                {
                    throw new InvalidOperationException("a multiRead read failed: " + results.First(r => r.Error != KeeperErrorCode.Ok));
                }

                Interlocked.Add(ref done, results.Count);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, MultiInFlight).Select(_ => Task.Run(Worker)));
        return done / stopwatch.Elapsed.TotalSeconds;
    }

    internal static string JavaClassPath(string? extra = null)
    {
        var jars = new[] { "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar", "netty-handler.jar", "netty-common.jar", "netty-buffer.jar", "netty-transport.jar", "netty-codec.jar", "netty-resolver.jar", "netty-transport-native-epoll.jar", "netty-transport-native-unix-common.jar" }
            .Select(j => Path.Combine("/usr/share/java", j))
            .Where(File.Exists);
        return string.Join(':', extra is null ? jars : jars.Prepend(extra));
    }

    /// <summary>Compiles bench/java/<paramref name="file"/> with javac into a fresh folder under <paramref name="workDirectory"/>; returns that folder.</summary>
    internal static string CompileJavaBaseline(string workDirectory, string file = "ClientBaseline.java")
    {
        var source = FindSource(file);
        var classes = Path.Combine(workDirectory, "java-classes-" + Path.GetFileNameWithoutExtension(file));
        Directory.CreateDirectory(classes);
        var (code, output) = Run("javac", ["-d", classes, "-cp", JavaClassPath(), source], TimeSpan.FromMinutes(2));
        if (code != 0)
        {
            throw new InvalidOperationException($"javac failed ({code}): {output}");
        }

        return classes;
    }

    private static async Task<IReadOnlyDictionary<string, double>> RunJavaBaselineAsync(string classes, string connect, ClientTls? tls, double seconds)
    {
        string[] arguments = [.. tls?.JavaProperties ?? [], "-cp", JavaClassPath(classes), "ClientBaseline", connect, seconds.ToString(CultureInfo.InvariantCulture)];
        var (code, output) = await Task.Run(() => Run("java", arguments, TimeSpan.FromMinutes(5)));
        if (code != 0)
        {
            throw new InvalidOperationException($"java ClientBaseline failed ({code}): {output}");
        }

        return output.Split('\n')
            .Where(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[1], p => double.Parse(p[2], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    internal static (int Code, string Output) Run(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill();
            throw new InvalidOperationException($"{file} did not finish within {timeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string FindSource(string file)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "bench", "java", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"bench/java/{file} not found above {AppContext.BaseDirectory}");
    }
}
