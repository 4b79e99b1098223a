namespace ZkMitosis.Lab.Hosts;

/// <summary>
/// A lab host's directory tree, laid out like a real host so the agent's paths look like production ones:
/// <c>etc/zookeeper/zoo.cfg</c>, <c>var/lib/zookeeper</c>, <c>etc/kafka/server.properties</c>,
/// <c>etc/zkmitosis/agent.json</c>, <c>var/log/…</c>, <c>run/*.pid</c>, and <c>etc/default/SERVICE</c>
/// (what the lab's service script runs).
/// </summary>
public sealed record HostLayout(string Root)
{
    public const string ZooKeeperService = "zookeeper";
    public const string KafkaService = "kafka";
    public const string AgentService = "zkmitosis-agent";
    public const string TenantService = "tenant";

    public string Etc => Path.Combine(Root, "etc");

    public string ZooKeeperConfDirectory => Path.Combine(Etc, "zookeeper");

    public string ZooCfg => Path.Combine(ZooKeeperConfDirectory, "zoo.cfg");

    public string ZooKeeperDataDirectory => Path.Combine(Root, "var", "lib", "zookeeper");

    public string MyId => Path.Combine(ZooKeeperDataDirectory, "myid");

    public string KafkaConfDirectory => Path.Combine(Etc, "kafka");

    public string ServerProperties => Path.Combine(KafkaConfDirectory, "server.properties");

    /// <summary>The Kafka broker stand-in's state file (session, expiries, broker epoch, acknowledged serials).</summary>
    public string StandInState => Path.Combine(Root, "var", "lib", "kafka", "standin-state.json");

    /// <summary>The other tenant's writer state file (acknowledged serials under /other).</summary>
    public string TenantState => Path.Combine(Root, "var", "lib", "tenant", "tenant-state.json");

    public string AgentConfDirectory => Path.Combine(Etc, "zkmitosis");

    public string AgentConfig => Path.Combine(AgentConfDirectory, "agent.json");

    public string AgentStateDirectory => Path.Combine(Root, "var", "lib", "zkmitosis");

    public string LogDirectory => Path.Combine(Root, "var", "log");

    public string RunDirectory => Path.Combine(Root, "run");

    /// <summary>A non-Kafka tenant host's product config file (<see cref="LabTenantProduct.ConfigFile"/>).</summary>
    public string ProductConfig(LabTenantProduct product) => Path.Combine(Root, product.ConfigFile);

    /// <summary>A non-Kafka tenant host's stand-in state file (session, expiries, registration, acknowledged serials).</summary>
    public string ProductStandInState(LabTenantProduct product) => Path.Combine(Root, "var", "lib", product.Name, "standin-state.json");

    /// <summary>The environment file the service script sources for <paramref name="service"/>.</summary>
    public string ServiceEnvironment(string service) => Path.Combine(Etc, "default", service);

    /// <summary>Fault injection: while this file exists, starting <paramref name="service"/> waits the seconds it holds.</summary>
    public string StartDelayFile(string service) => ServiceEnvironment(service) + ".start-delay";

    public string PidFile(string service) => Path.Combine(RunDirectory, service + ".pid");

    public string LogFile(string service) => Path.Combine(LogDirectory, service + ".log");

    /// <summary>Creates every directory of the tree (files are written by the lab and the agent).</summary>
    public void Create()
    {
        foreach (var directory in new[]
        {
            ZooKeeperConfDirectory, ZooKeeperDataDirectory, KafkaConfDirectory, Path.GetDirectoryName(StandInState)!,
            Path.GetDirectoryName(TenantState)!, AgentConfDirectory, AgentStateDirectory, LogDirectory, RunDirectory,
            Path.Combine(Etc, "default"),
        })
        {
            System.IO.Directory.CreateDirectory(directory);
        }
    }
}
