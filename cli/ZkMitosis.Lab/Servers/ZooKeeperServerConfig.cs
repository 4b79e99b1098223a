using System.Globalization;
using System.Text;

namespace ZkMitosis.Lab.Servers;

/// <summary>
/// Everything needed to run one real ZooKeeper server: its directory (conf/, data/, server.log), its
/// client address, its ensemble (empty for a standalone server) and, for the lab, its network namespace.
/// </summary>
public sealed record ZooKeeperServerConfig
{
    /// <summary>Root of this server's files: <c>conf/zoo.cfg</c>, <c>data/myid</c>, <c>server.log</c>, <c>zookeeper.pid</c>.</summary>
    public required string Directory { get; init; }

    public int ServerId { get; init; } = 1;

    public string ClientAddress { get; init; } = "127.0.0.1";

    public required int ClientPort { get; init; }

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

    /// <summary>JVM heap; small so six servers fit comfortably on a 2-core test machine.</summary>
    public string JvmHeap { get; init; } = "256m";

    public string ConfDirectory => Path.Combine(Directory, "conf");

    public string ConfigPath => Path.Combine(ConfDirectory, "zoo.cfg");

    public string DataDirectory => Path.Combine(Directory, "data");

    public string LogPath => Path.Combine(Directory, "server.log");

    public string PidPath => Path.Combine(Directory, "zookeeper.pid");

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
        Line("clientPort", ClientPort);
        Line("clientPortAddress", ClientAddress);
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
