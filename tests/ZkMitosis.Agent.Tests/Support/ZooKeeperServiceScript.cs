using System.Globalization;
using System.Text.Json.Nodes;
using ZkMitosis.Lab.Servers;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Support;

/// <summary>
/// A real standalone ZooKeeper driven by the agent's <c>command</c> backend: a start/stop/status script around the JVM
/// with a pid file (status 0 = running, a zombie counts as stopped). Dispose kills the JVM by its pid if still alive.
/// </summary>
public sealed class ZooKeeperServiceScript : IAsyncDisposable
{
    public ZooKeeperServiceScript(string directory, string clientAddress = "127.0.0.1", int? clientPort = null)
    {
        ZooKeeperInstallation.EnsureInstalled();
        Directory = directory;
        ClientAddress = clientAddress;
        ClientPort = clientPort ?? FreePorts.Next();
        System.IO.Directory.CreateDirectory(ConfDirectory);
        var java = string.Join(' ',
            ZooKeeperInstallation.JavaExecutable, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dzookeeper.admin.enableServer=false",
            "-cp", ZooKeeperInstallation.ClassPath(ConfDirectory), "org.apache.zookeeper.server.quorum.QuorumPeerMain", ZooCfgPath);
        File.WriteAllText(ScriptPath, $$"""
            #!/bin/sh
            PIDFILE='{{PidPath}}'
            alive() { [ -f "$PIDFILE" ] && P=$(cat "$PIDFILE") && [ -r /proc/$P/stat ] && ! grep -q '^[0-9]* ([^)]*) Z' /proc/$P/stat; }
            case "$1" in
              start) alive && exit 0; {{java}} >> '{{LogPath}}' 2>&1 < /dev/null & echo $! > "$PIDFILE" ;;
              stop) alive || exit 0; [ -f '{{HangOnStopPath}}' ] && kill -STOP "$P"; kill "$P"; i=0; while alive && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; alive && kill -9 "$P"; rm -f "$PIDFILE" ;;
              kill) alive || exit 0; kill -9 "$P"; i=0; while alive && [ $i -lt 100 ]; do sleep 0.02; i=$((i+1)); done; rm -f "$PIDFILE" ;;
              status) alive ;;
            esac
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(ScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Directory { get; }

    public string ClientAddress { get; }

    public int ClientPort { get; }

    public string ConfDirectory => Path.Combine(Directory, "conf");

    public string ZooCfgPath => Path.Combine(ConfDirectory, "zoo.cfg");

    public string DataDirectory => Path.Combine(Directory, "data");

    public string ScriptPath => Path.Combine(Directory, "zk-service.sh");

    public string PidPath => Path.Combine(Directory, "zk.pid");

    public string LogPath => Path.Combine(Directory, "server.log");

    /// <summary>While this file exists, stop freezes the JVM (SIGSTOP) before its SIGTERM: a server that hangs instead of exiting.</summary>
    public string HangOnStopPath => Path.Combine(Directory, "hang-on-stop");

    public string ConnectString => $"{ClientAddress}:{ClientPort}";

    /// <summary>The commands for the agent's config.</summary>
    public JsonObject Commands => new()
    {
        ["Start"] = $"'{ScriptPath}' start",
        ["Stop"] = $"'{ScriptPath}' stop",
        ["Kill"] = $"'{ScriptPath}' kill",
        ["Status"] = $"'{ScriptPath}' status",
        ["PidFile"] = PidPath,
    };

    /// <summary>A standalone zoo.cfg for this server.</summary>
    public string StandaloneZooCfg(int? electionPort = null, int serverId = 1) =>
        string.Join('\n',
            "tickTime=500",
            "initLimit=10",
            "syncLimit=5",
            $"dataDir={DataDirectory}",
            $"clientPort={ClientPort}",
            $"clientPortAddress={ClientAddress}",
            "4lw.commands.whitelist=*",
            "admin.enableServer=false",
            electionPort is null ? "" : $"server.{serverId}={ClientAddress}:{FreePorts.Next()}:{electionPort}",
            "") + "\n";

    public int? Pid => File.Exists(PidPath) && int.TryParse(File.ReadAllText(PidPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    public async ValueTask DisposeAsync()
    {
        if (Pid is { } pid && ProcessSignals.IsAliveAndNotZombie(pid))
        {
            ProcessSignals.Send(pid, ProcessSignals.SigKill);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (ProcessSignals.IsAliveAndNotZombie(pid) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }
}
