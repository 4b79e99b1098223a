using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Servers;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab.Hosts;

/// <summary>
/// A ZooKeeper lab host's files: <c>etc/zookeeper/zoo.cfg</c>, <c>var/lib/zookeeper/myid</c> and
/// <c>etc/default/zookeeper</c> (the JVM command from <see cref="ZooKeeperServerProcess.JavaCommand"/>).
/// Source hosts list the source ensemble; destination hosts list the destination ensemble, as freshly
/// provisioned hosts of a dedicated ensemble would, and stay stopped with no snapshot or log.
/// </summary>
public static class ZooKeeperHostFiles
{
    /// <summary>The AdminServer's port inside every ZooKeeper host's namespace.</summary>
    public const int AdminServerPort = 8080;

    /// <summary>
    /// zoo.cfg lines the lab adds to ZooKeeperServerConfig's defaults (tickTime 500): limits generous enough for six
    /// JVMs on two cores, and a session ceiling above Kafka's 18 s default so brokers get the timeout they ask for.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LabDefaults { get; } = new Dictionary<string, string>
    {
        ["maxSessionTimeout"] = "30000",
        // A one-server source must still run as a quorum so destination observers can join it.
        ["standaloneEnabled"] = "false",
    };

    public static ZooKeeperServerConfig Config(LabHost host, IReadOnlyList<LabHost> ensemble, IReadOnlyDictionary<string, string> userOptions, IReadOnlyDictionary<string, string>? systemProperties = null, string heap = ZooKeeperServerConfig.DefaultJvmHeap)
    {
        var layout = host.Layout;
        var options = new Dictionary<string, string>(LabDefaults);
        foreach (var (key, value) in userOptions)
        {
            options[key] = value;
        }

        return new ZooKeeperServerConfig
        {
            Directory = host.Directory,
            ConfDirectory = layout.ZooKeeperConfDirectory,
            DataDirectory = layout.ZooKeeperDataDirectory,
            LogPath = layout.LogFile(HostLayout.ZooKeeperService),
            PidPath = layout.PidFile(HostLayout.ZooKeeperService),
            ServerId = host.ServerId ?? throw new LabException($"{host.Name} is not a ZooKeeper host"),
            // Every address of the namespace: the lab's peers use eth0, the host's own agent may use loopback.
            ClientAddress = Wildcard(host),
            ClientPort = host.ClientPort,
            InitLimit = 20,
            SyncLimit = 10,
            AdminServerPort = AdminServerPort,
            Members = ensemble.Select(h => new QuorumMember(h.ServerId!.Value, h.ConfigHost, h.QuorumPort, h.ElectionPort)).ToList(),
            ExtraOptions = options,
            SystemProperties = systemProperties ?? new Dictionary<string, string>(),
            JvmHeap = heap,
        };
    }

    /// <summary>The any-address of the host's family (<c>::</c> on an IPv6 lab host, which also takes IPv4 loopback; else <c>0.0.0.0</c>).</summary>
    public static string Wildcard(LabHost host) => host.Address.Contains(':', StringComparison.Ordinal) ? "::" : "0.0.0.0";

    /// <summary>
    /// Writes zoo.cfg, myid and the service environment (with <paramref name="systemProperties"/>, the JVM's -D
    /// options, when given, and <paramref name="heap"/>, its -Xmx); the data dir gets nothing else.
    /// </summary>
    public static void Write(LabHost host, IReadOnlyList<LabHost> ensemble, IReadOnlyDictionary<string, string> userOptions, IReadOnlyDictionary<string, string>? systemProperties = null, string heap = ZooKeeperServerConfig.DefaultJvmHeap)
    {
        var config = Config(host, ensemble, userOptions, systemProperties, heap);
        var layout = host.Layout;
        layout.Create();
        File.WriteAllText(config.ConfigPath, config.RenderZooCfg());
        File.WriteAllText(layout.MyId, config.ServerId + "\n");
        ServiceEnvironment.Write(
            layout.ServiceEnvironment(HostLayout.ZooKeeperService),
            ZooKeeperServerProcess.JavaCommand(config),
            match: config.ConfigPath,
            logFile: config.LogPath);
    }
}
