using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>The products a tenant preset describes (docs/tenants.md cites each one's files, keys and znodes).</summary>
public enum TenantPreset
{
    Kafka,
    Solr,
    HBase,
    ClickHouse,
    HadoopHa,
    NiFi,
    Generic,
}

/// <summary>One host of a tenant: the agent on it and, for Kafka, its <c>broker.id</c> and rack.</summary>
/// <param name="Agent">The agent, <c>host:port</c>.</param>
/// <param name="Id">Kafka's <c>broker.id</c>; null for other tenants.</param>
/// <param name="Rack">Kafka: the plan's rack for the broker (<c>rack:</c>), used when its registration names none.</param>
public sealed record TenantHost(string Agent, int? Id = null, string? Rack = null)
{
    /// <summary>The host part of <see cref="Agent"/> (without brackets): the address the tenant's ZooKeeper sessions come from.</summary>
    public string Host => HostEndpoint.ParseWithPort(Agent).Host;

    /// <summary>How the host is named in titles and messages: <c>broker 1</c> or the agent.</summary>
    public string Label => Id is { } id ? $"broker {id}" : Agent;
}

/// <summary>
/// Where a tenant host's connect string lives: a file the agent's configuration names by <see cref="ConfigId"/> (null:
/// Kafka's <c>server.properties</c>, as the agent has always edited it), in <see cref="Location"/>'s format and keys.
/// </summary>
/// <param name="ConfigId">The agent's <c>TenantConfigFiles</c> id; null for Kafka's server.properties.</param>
/// <param name="Location">Format and keys.</param>
/// <param name="ChrootInConnect">
/// Whether the chroot is part of the connect string (Kafka, Solr, generic) or kept elsewhere by the product (HBase's
/// <c>zookeeper.znode.parent</c>, handled by the location's parent key; NiFi's <c>nifi.zookeeper.root.node</c>; ZKFC's
/// <c>ha.zookeeper.parent-znode</c>): then the hosts alone are written.
/// </param>
public sealed record TenantConnect(string? ConfigId, ConnectStringLocation Location, bool ChrootInConnect);

/// <summary>
/// "Healthy again" after one host's restart, and what "did not notice" watches: the tenant's ephemeral registrations
/// under <see cref="RegistrationPath"/> (relative to the chroot), at least <see cref="Count"/> of them; Kafka also needs
/// every partition led with a full ISR.
/// </summary>
/// <param name="RegistrationPath">Absolute path under the chroot whose ephemeral children are the live hosts (Kafka <c>/brokers/ids</c>, Solr <c>/live_nodes</c>).</param>
/// <param name="Count">How many registrations mean "every host is back" (default: the number of hosts).</param>
/// <param name="Child">
/// When set, a registration is a child <c>c</c> of the path that holds an ephemeral <c>c/Child</c> (ClickHouse:
/// <c>…/replicas/&lt;replica&gt;/is_active</c>); unset, an ephemeral child of the path itself.
/// </param>
/// <param name="KafkaPartitions">Kafka: also no partition offline or under-replicated.</param>
public sealed record TenantHealth(string RegistrationPath, int Count, string? Child, bool KafkaPartitions)
{
    /// <summary>How the gate reads: <c>3 ephemeral(s) under /live_nodes</c>.</summary>
    public string Describe(string chroot) =>
        Child is null ? $"{Count} ephemeral node(s) under {chroot}{RegistrationPath}" : $"{Count} child(ren) of {chroot}{RegistrationPath} holding an ephemeral {Child}";
}

/// <summary>A tenant of the source ensemble: its subtree, its hosts and how to switch them and judge them (docs/tenants.md).</summary>
public sealed record TenantSpec
{
    /// <summary>Unique in the plan; names the tenant's steps (<c>[a-z0-9-]{1,32}</c>).</summary>
    public required string Name { get; init; }

    public required TenantPreset Preset { get; init; }

    /// <summary>The tenant's subtree, e.g. <c>/kafka</c>.</summary>
    public required string Chroot { get; init; }

    /// <summary>The hosts switched, in this order (one at a time).</summary>
    public required IReadOnlyList<TenantHost> Hosts { get; init; }

    public required TenantConnect Connect { get; init; }

    public required TenantHealth Health { get; init; }

    /// <summary>Where the plan file describes it (<c>kafka</c> for the shorthand, <c>tenants[1]</c>), for problems' field paths.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string PlanPath { get; init; } = "";

    /// <summary>False: the tenant stays on the source (its hosts are not touched; checked untouched).</summary>
    public bool Moves { get; init; } = true;

    /// <summary>
    /// <c>h1:p1,…</c> of <paramref name="servers"/>, with the chroot when the product keeps it in the connect string;
    /// with <paramref name="tls"/>, on their <c>secureClientPort</c>s (<see cref="MigrationPlan.SourceConnectFor"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="tls"/> and a server without a secure port (a validated plan has one).</exception>
    public string ConnectFor(IEnumerable<ServerSpec> servers, bool tls = false) =>
        string.Join(',', servers.Select(s => s.SessionEndpoint(tls))) + (Connect.ChrootInConnect || Connect.Location.ParentKey is not null ? Chroot : "");
}
