using System.Diagnostics;
using System.Globalization;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Lab.Servers;

/// <summary>
/// One real ZooKeeper server (Debian's package) run as a child JVM, optionally inside a network namespace.
/// The pid recorded is the JVM's own (<c>sh -c exec ip netns exec … java …</c> execs all the way down), so
/// stopping it ends exactly the process we started and nothing else.
/// </summary>
public sealed class ZooKeeperServerProcess : IAsyncDisposable
{
    private Process? _process;

    public ZooKeeperServerProcess(ZooKeeperServerConfig config)
    {
        Config = config;
    }

    public ZooKeeperServerConfig Config { get; }

    /// <summary>The JVM's pid, or 0 when not started.</summary>
    public int Pid { get; private set; }

    public bool IsRunning => Pid > 0 && ProcessSignals.IsAliveAndNotZombie(Pid);

    /// <summary>Writes conf/zoo.cfg and data/myid (overwriting) without starting anything.</summary>
    public void WriteFiles()
    {
        Directory.CreateDirectory(Config.ConfDirectory);
        Directory.CreateDirectory(Config.DataDirectory);
        File.WriteAllText(Config.ConfigPath, Config.RenderZooCfg());
        File.WriteAllText(Path.Combine(Config.DataDirectory, "myid"), Config.ServerId.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>Writes the files and starts the JVM. Does not wait for it to serve: see <see cref="WaitUntilServingAsync"/>.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"ZooKeeper server {Config.ServerId} is already running as pid {Pid}.");
        }

        ZooKeeperInstallation.EnsureInstalled();
        WriteFiles();
        var java = string.Join(' ', JavaCommand(Config).Select(Quote));
        var inNamespace = Config.NetworkNamespace is null ? java : $"ip netns exec {Quote(Config.NetworkNamespace)} {java}";
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"exec {inNamespace} >> {Quote(Config.LogPath)} 2>&1 < /dev/null" },
            UseShellExecute = false,
        };
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start java");
        Pid = _process.Id;
        File.WriteAllText(Config.PidPath, Pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>
    /// The JVM command line (executable first) that runs the server of <paramref name="config"/>: the one
    /// place the JVM options live, shared by <see cref="Start"/> and the lab's service script.
    /// </summary>
    public static IReadOnlyList<string> JavaCommand(ZooKeeperServerConfig config) =>
    [
        ZooKeeperInstallation.JavaExecutable,
        $"-Xmx{config.JvmHeap}",
        .. config.ProductionJvm ? Array.Empty<string>() : QuickStartJvmOptions,
        "-Dzookeeper.admin.enableServer=" + (config.AdminServerPort is null ? "false" : "true"),
        // slf4j-simple prints no time by default; a log without times cannot be laid beside a migration's journal.
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        .. config.SystemProperties.Select(p => $"-D{p.Key}={p.Value}"),
        "-cp", ZooKeeperInstallation.ClassPath(config.ConfDirectory),
        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
        config.ConfigPath,
    ];

    /// <summary>C1 only and the serial collector: a JVM that serves sooner and uses less CPU while six share two cores.</summary>
    private static readonly string[] QuickStartJvmOptions = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"];

    /// <summary>
    /// Waits until <c>srvr</c> reports a mode (standalone, leader, follower, observer), i.e. the server serves
    /// clients (asked over TLS with <see cref="ZooKeeperServerConfig.TlsOnlyClients"/>). Fails early with the log tail
    /// when the JVM exits.
    /// </summary>
    public async Task<string> WaitUntilServingAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lastProblem = "no reply yet";
        while (DateTime.UtcNow < deadline)
        {
            if (!IsRunning)
            {
                throw new InvalidOperationException($"ZooKeeper server {Config.ServerId} exited while starting. Last log lines:\n{LogTail(20)}");
            }

            try
            {
                var reply = await FourLetterWordClient.SendAsync(Config.ClientAddress, Config.ClientPort, "srvr", Config.TlsOnlyClients, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                var mode = reply.Split('\n').FirstOrDefault(l => l.StartsWith("Mode:", StringComparison.Ordinal));
                if (mode is not null)
                {
                    return mode["Mode:".Length..].Trim();
                }

                lastProblem = reply.Trim();
            }
            catch (FourLetterWordException e) when (Config.NetworkNamespace is null)
            {
                lastProblem = e.Problem;
            }
            catch (FourLetterWordException e)
            {
                // From outside the namespace the address may not be routable; the caller then waits with its own probe.
                lastProblem = e.Problem;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"ZooKeeper server {Config.ServerId} at {Config.ClientAddress}:{Config.ClientPort} did not serve within {timeout.TotalSeconds:0.#} s ({lastProblem}). Last log lines:\n{LogTail(20)}");
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (Pid > 0)
        {
            await ProcessSignals.TerminateAsync(Pid, grace ?? TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        Reap();
    }

    /// <summary>SIGKILL: a crash, as far as the server and its clients can tell.</summary>
    public async Task KillAsync()
    {
        if (Pid > 0)
        {
            ProcessSignals.Send(Pid, ProcessSignals.SigKill);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (DateTime.UtcNow < deadline && ProcessSignals.IsAliveAndNotZombie(Pid))
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }

        Reap();
    }

    /// <summary>The last lines of server.log, for error messages.</summary>
    public string LogTail(int lines)
    {
        try
        {
            return string.Join('\n', File.ReadLines(Config.LogPath).TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
    }

    private void Reap()
    {
        if (_process is not null)
        {
            _process.WaitForExit(1000);
            _process.Dispose();
            _process = null;
        }

        Pid = 0;
        try
        {
            File.Delete(Config.PidPath);
        }
        catch (IOException)
        {
            // The directory may already be gone; the pid file is only a crash-recovery aid.
        }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
