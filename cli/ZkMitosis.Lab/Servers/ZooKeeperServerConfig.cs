using System.Globalization;
using System.Text;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Lab.Servers;

/// <summary>
/// Everything needed to run one real ZooKeeper server: its directory (conf/, data/, server.log), its
/// client address, its ensemble (empty for a standalone server) and, for the lab, its network namespace.
/// </summary>
public sealed record ZooKeeperServerConfig
{
    private readonly string? _confDirectory;
    private readonly string? _dataDirectory;
    private readonly string? _logPath;
    private readonly string? _pidPath;

    /// <summary>Root of this server's files: <c>conf/zoo.cfg</c>, <c>data/myid</c>, <c>server.log</c>, <c>zookeeper.pid</c>.</summary>
    public required string Directory { get; init; }

    public int ServerId { get; init; } = 1;

    public string ClientAddress { get; init; } = "127.0.0.1";

    /// <summary>The plain client port, or with <see cref="TlsOnlyClients"/> the TLS one.</summary>
    public required int ClientPort { get; init; }

    /// <summary>
    /// Serve clients over TLS only: zoo.cfg then says <see cref="ClientPort"/> and <see cref="ClientAddress"/> as
    /// <c>secureClientPort</c> and <c>secureClientPortAddress</c> and has no <c>clientPort</c>, and
    /// <see cref="ZooKeeperServerProcess.WaitUntilServingAsync"/> asks over TLS with these files. The server's own TLS
    /// lines (Netty, key and trust stores) come with <see cref="ExtraOptions"/>. Default null: a plain client port.
    /// </summary>
    public ZooKeeperTlsOptions? TlsOnlyClients { get; init; }

    /// <summary>Ensemble members; empty means standalone.</summary>
    public IReadOnlyList<QuorumMember> Members { get; init; } = [];

    /// <summary>Join as an observer (<c>peerType=observer</c>).</summary>
    public bool IsObserver { get; init; }

    /// <summary>500 ms makes elections and session expiry fast enough for tests (default ZooKeeper is 2000).</summary>
    public int TickTimeMs { get; init; } = 500;

    public int InitLimit { get; init; } = 10;

    public int SyncLimit { get; init; } = 5;

    /// <summary>Network namespace to run in (<c>ip netns exec</c>); null for the current one.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>AdminServer port; null disables the AdminServer (it would otherwise claim :8080).</summary>
    public int? AdminServerPort { get; init; }

    /// <summary>Extra <c>key=value</c> lines, written last so they win.</summary>
    public IReadOnlyDictionary<string, string> ExtraOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// JVM system properties (<c>-Dkey=value</c>) for what zoo.cfg cannot say, such as
    /// <c>java.security.auth.login.config</c> (the JAAS file of a SASL server).
    /// </summary>
    public IReadOnlyDictionary<string, string> SystemProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>JVM heap; small so six servers fit comfortably on a 2-core test machine.</summary>
    public string JvmHeap { get; init; } = DefaultJvmHeap;

    /// <summary>The lab's heap per server (<c>-Xmx</c>): six servers share two cores and the memory.</summary>
    public const string DefaultJvmHeap = "256m";

    /// <summary>
    /// Run the JVM as production does (the full tiered JIT, the default collector) instead of the quick-start
    /// settings the tests and the lab use (C1 only, serial GC: a server serves in well under a second but tops
    /// out far below its real throughput). Benchmarks that measure throughput against the server set this.
    /// </summary>
    public bool ProductionJvm { get; init; }

    /// <summary>Where zoo.cfg lives; default <c>Directory/conf</c> (the lab uses a host's <c>etc/zookeeper</c>).</summary>
    public string ConfDirectory
    {
        get => _confDirectory ?? Path.Combine(Directory, "conf");
        init => _confDirectory = value;
    }

    public string ConfigPath => Path.Combine(ConfDirectory, "zoo.cfg");

    /// <summary>ZooKeeper's dataDir; default <c>Directory/data</c> (the lab uses a host's <c>var/lib/zookeeper</c>).</summary>
    public string DataDirectory
    {
        get => _dataDirectory ?? Path.Combine(Directory, "data");
        init => _dataDirectory = value;
    }

    /// <summary>The server's stdout and stderr; default <c>Directory/server.log</c>.</summary>
    public string LogPath
    {
        get => _logPath ?? Path.Combine(Directory, "server.log");
        init => _logPath = value;
    }

    /// <summary>default <c>Directory/zookeeper.pid</c>.</summary>
    public string PidPath
    {
        get => _pidPath ?? Path.Combine(Directory, "zookeeper.pid");
        init => _pidPath = value;
    }

    public bool IsStandalone => Members.Count == 0;

    /// <summary>The zoo.cfg text for this server.</summary>
    public string RenderZooCfg()
    {
        var text = new StringBuilder();
        void Line(string key, object value) => text.Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
        Line("tickTime", TickTimeMs);
        Line("initLimit", InitLimit);
        Line("syncLimit", SyncLimit);
        Line("dataDir", DataDirectory);
        if (TlsOnlyClients is null)
        {
            Line("clientPort", ClientPort);
            Line("clientPortAddress", ClientAddress);
        }
        else
        {
            // No clientPort line at all: ZooKeeper then opens no plain port (a clientPortAddress alone is refused).
            Line("secureClientPort", ClientPort);
            Line("secureClientPortAddress", ClientAddress);
        }

        // Every four-letter word: the agent and the tests read srvr, mntr, cons, conf.
        Line("4lw.commands.whitelist", "*");
        Line("admin.enableServer", AdminServerPort is null ? "false" : "true");
        if (AdminServerPort is { } adminPort)
        {
            Line("admin.serverAddress", ClientAddress);
            Line("admin.serverPort", adminPort);
        }

        if (!IsStandalone)
        {
            if (IsObserver)
            {
                Line("peerType", "observer");
            }

            foreach (var member in Members)
            {
                text.Append(member.ToConfigLine()).Append('\n');
            }
        }

        foreach (var (key, value) in ExtraOptions)
        {
            Line(key, value);
        }

        return text.ToString();
    }
}
