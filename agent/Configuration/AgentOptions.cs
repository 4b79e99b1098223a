using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ZkMitosis.Agent.Configuration;

/// <summary>
/// The agent's configuration: the whole of <c>/etc/zkmitosis/agent.json</c> (path given by <c>--config</c>). Validated at
/// start; a bad value stops the agent with a message naming the field.
/// </summary>
public sealed class AgentOptions
{
    /// <summary><c>zookeeper</c> or <c>kafka</c>. Required.</summary>
    [Required]
    public string Role { get; set; } = "";

    /// <summary>The name this host is known by in plans. Default: the machine's host name.</summary>
    public string? HostName { get; set; }

    /// <summary>
    /// This host's addresses and the DNS names plans give it (matched, ignoring case, against a plan's destination
    /// list before a data dir is reset; the coordinator's preflight checks the match). Default: none.
    /// </summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>gRPC listen address. Default <c>0.0.0.0</c>.</summary>
    [Required]
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>gRPC port (HTTP/2, TLS). Default 7443.</summary>
    [Range(1, 65535)]
    public int ListenPort { get; set; } = 7443;

    /// <summary>
    /// Monitoring address (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, plain HTTP without authentication). Default
    /// <c>127.0.0.1</c>: only local scrapers; set an address of this host (or <c>0.0.0.0</c>) to expose it.
    /// </summary>
    [Required]
    public string MonitoringAddress { get; set; } = "127.0.0.1";

    /// <summary>Monitoring port. Default 7444; 0 disables the monitoring listener.</summary>
    [Range(0, 65535)]
    public int MonitoringPort { get; set; } = 7444;

    /// <summary>Where operation records and the lease live. Default <c>/var/lib/zkmitosis-agent</c>.</summary>
    [Required]
    public string StateDirectory { get; set; } = "/var/lib/zkmitosis-agent";

    /// <summary>
    /// Days a finished operation record (done, failed or interrupted) is kept, counted from when it ended, before the
    /// agent removes it at its next start. Records of the lease's plan (held, or expired and not released) are kept
    /// whatever their age: a resume of that plan must be answered from them. After this many days a resumed plan's
    /// calls are no longer answered from records (docs/resume.md). Default 30; 1 to 3650.
    /// </summary>
    [Range(1, 3650)]
    public int OperationRetentionDays { get; set; } = 30;

    /// <summary>
    /// Serve gRPC without TLS and without client certificates. Only for labs and tests; logs a warning at every start.
    /// Default false.
    /// </summary>
    public bool Insecure { get; set; }

    public TlsOptions Tls { get; set; } = new();

    [ValidateObjectMembers]
    public ZooKeeperOptions ZooKeeper { get; set; } = new();

    public KafkaOptions Kafka { get; set; } = new();

    /// <summary>
    /// The tenant config files a caller may read and edit the connect string of (role <c>kafka</c>, the tenant host
    /// role), by id: <c>{ "solr": "/etc/default/solr.in.sh" }</c>. Callers name an id, never a path. Ids are 1-64 letters,
    /// digits and <c>._-</c>; paths absolute. Default: none (only <see cref="KafkaOptions.ServerPropertiesPath"/>).
    /// </summary>
    public Dictionary<string, string> TenantConfigFiles { get; set; } = [];

    [ValidateObjectMembers]
    public ServiceOptions Service { get; set; } = new();

    [ValidateObjectMembers]
    public FirewallOptions Firewall { get; set; } = new();

    /// <summary>The effective host name.</summary>
    public string EffectiveHostName => string.IsNullOrWhiteSpace(HostName) ? Environment.MachineName : HostName;

    public bool IsZooKeeper => string.Equals(Role, AgentRoles.ZooKeeper, StringComparison.Ordinal);

    public bool IsKafka => string.Equals(Role, AgentRoles.Kafka, StringComparison.Ordinal);
}

/// <summary>The roles an agent can have.</summary>
public static class AgentRoles
{
    public const string ZooKeeper = "zookeeper";
    public const string Kafka = "kafka";
}

/// <summary>mTLS material, PEM files. Required unless <see cref="AgentOptions.Insecure"/>.</summary>
public sealed class TlsOptions
{
    /// <summary>The agent's server certificate (PEM).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Its private key (PEM).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The CA that issues the coordinators' client certificates (PEM). Clients with other certificates are refused.</summary>
    public string? ClientCaPath { get; set; }
}

/// <summary>The local ZooKeeper server.</summary>
public sealed class ZooKeeperOptions
{
    /// <summary>zoo.cfg. Default <c>/etc/zookeeper/conf/zoo.cfg</c>. Its directory is the config dir: the only directory the agent writes ZooKeeper configuration into.</summary>
    public string ConfigPath { get; set; } = "/etc/zookeeper/conf/zoo.cfg";

    /// <summary>
    /// ZooKeeper's data dir (absolute): where myid is written and what ResetDataDir empties. A zoo.cfg sent to the agent
    /// must name this dataDir; the agent never takes a data dir from a file a caller could have written. Default
    /// <c>/var/lib/zookeeper</c> (the Debian package's dataDir).
    /// </summary>
    public string DataDir { get; set; } = "/var/lib/zookeeper";

    /// <summary>ZooKeeper's dataLogDir (absolute), when the txn logs live apart. Default: none (the logs are in <see cref="DataDir"/>).</summary>
    public string? DataLogDir { get; set; }

    /// <summary>
    /// The dynamic config file's name (a bare file name, no directory: it lives in the config dir), e.g.
    /// <c>zoo.cfg.dynamic.100000000</c>. Default: the file the existing zoo.cfg's <c>dynamicConfigFile</c> names, when that
    /// is in the config dir, else none. A zoo.cfg sent to the agent may name only this file as its dynamicConfigFile.
    /// </summary>
    public string? DynamicConfigFile { get; set; }

    /// <summary>
    /// Where to send four-letter words. Default: <c>clientPortAddress</c> of zoo.cfg (<c>secureClientPortAddress</c> when
    /// they go to the TLS port), else 127.0.0.1.
    /// </summary>
    public string? ClientHost { get; set; }

    /// <summary>Client port. Default 0: <c>clientPort</c> of zoo.cfg (or the <c>server.N</c> line's client part), else 2181.</summary>
    [Range(0, 65535)]
    public int ClientPort { get; set; }

    /// <summary>
    /// The TLS client port the agent asks when the server has no plain client port (zoo.cfg has a
    /// <c>secureClientPort</c> and no <c>clientPort</c>), with the files of <see cref="ZooKeeperSecurityOptions.AgentCaFile"/>
    /// and its siblings. Default 0: <c>secureClientPort</c> of zoo.cfg.
    /// </summary>
    [Range(0, 65535)]
    public int SecureClientPort { get; set; }

    /// <summary>AdminServer base address (e.g. <c>http://127.0.0.1:8080</c>); when set, used where four-letter words are refused.</summary>
    public string? AdminServerUrl { get; set; }

    /// <summary>Bound on four-letter-word calls in milliseconds. Default 3000.</summary>
    [Range(100, 60000)]
    public int FourLetterWordTimeoutMs { get; set; } = 3000;

    /// <summary>
    /// Optional (absolute): the file that holds the server's JVM options while it is stopped, e.g.
    /// <c>/etc/default/zookeeper</c> or zkEnv's <c>java.env</c> (<c>JVMFLAGS="-Djute.maxbuffer=…"</c>). Describe reads
    /// <c>jute.maxbuffer</c> from the running server's own command line; this file is where it is read while the
    /// server is stopped (a destination node before the join). Default: none (unknown while stopped).
    /// </summary>
    public string? JvmOptionsFile { get; set; }

    /// <summary>
    /// This host's own ZooKeeper security files, put in place of the source's when its settings are carried over, and the
    /// agent's own TLS files for a local server that serves clients over TLS only (issue 13).
    /// </summary>
    public ZooKeeperSecurityOptions Security { get; set; } = new();
}

/// <summary>The local Kafka broker.</summary>
public sealed class KafkaOptions
{
    /// <summary>server.properties. Default <c>/etc/kafka/server.properties</c>.</summary>
    public string ServerPropertiesPath { get; set; } = "/etc/kafka/server.properties";

    /// <summary>Reported by Describe (the agent does not ask the broker). Default empty.</summary>
    public string? Version { get; set; }
}

/// <summary>How services are started and stopped.</summary>
public sealed class ServiceOptions
{
    /// <summary><c>systemd</c> (default) or <c>command</c>.</summary>
    [Required]
    public string Backend { get; set; } = ServiceBackends.Systemd;

    /// <summary>systemd unit of ZooKeeper. Default <c>zookeeper.service</c>.</summary>
    public string ZooKeeperUnit { get; set; } = "zookeeper.service";

    /// <summary>systemd unit of Kafka. Default <c>kafka.service</c>.</summary>
    public string KafkaUnit { get; set; } = "kafka.service";

    /// <summary>Commands for ZooKeeper with the <c>command</c> backend.</summary>
    public ServiceCommands? ZooKeeperCommands { get; set; }

    /// <summary>Commands for Kafka with the <c>command</c> backend.</summary>
    public ServiceCommands? KafkaCommands { get; set; }

    /// <summary>Bound on one start/stop/status command in milliseconds. Default 60000.</summary>
    [Range(100, 600000)]
    public int CommandTimeoutMs { get; set; } = 60000;
}

/// <summary>Shell commands (<c>/bin/sh -c</c>) of the <c>command</c> backend.</summary>
public sealed class ServiceCommands
{
    /// <summary>Starts the service and returns (the service keeps running in the background).</summary>
    public string? Start { get; set; }

    public string? Stop { get; set; }

    /// <summary>Optional: SIGKILLs the service and returns once it is gone; needed for a stop with <c>kill_after</c>.</summary>
    public string? Kill { get; set; }

    /// <summary>Exit code 0 = running, anything else = stopped.</summary>
    public string? Status { get; set; }

    /// <summary>Optional file holding the service's main pid.</summary>
    public string? PidFile { get; set; }
}

/// <summary>The service backends.</summary>
public static class ServiceBackends
{
    public const string Systemd = "systemd";
    public const string Command = "command";
}

/// <summary>Firewall backend: <c>auto</c> (default: nftables when <c>nft</c> works, else iptables), <c>iptables</c>, <c>nftables</c>.</summary>
public sealed class FirewallOptions
{
    [Required]
    public string Backend { get; set; } = "auto";
}
