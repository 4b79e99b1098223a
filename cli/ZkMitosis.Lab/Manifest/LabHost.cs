using System.Text.Json.Serialization;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Lab.Manifest;

/// <summary>One lab host as recorded in the manifest: its namespace, link, address, files and ports.</summary>
public sealed record LabHost
{
    /// <summary>Host name inside the lab: <c>zk1</c>…, <c>kafka1</c>…, <c>tenant</c>.</summary>
    public required string Name { get; init; }

    public required LabHostRole Role { get; init; }

    /// <summary>The network namespace that is this host.</summary>
    public required string Namespace { get; init; }

    /// <summary>The root-namespace end of the host's veth pair (the other end is <c>eth0</c> inside the namespace).</summary>
    public required string Veth { get; init; }

    public required string Address { get; init; }

    /// <summary>The host's DNS name on a named lab (<c>zk1.LAB.zkm.test</c>, <see cref="LabSpec.HostNames"/>), else null.</summary>
    public string? DnsName { get; init; }

    /// <summary>How configs and the plan name this host: its <see cref="DnsName"/> on a named lab, else its address.</summary>
    [JsonIgnore]
    public string ConfigHost => DnsName ?? Address;

    /// <summary>The host's directory tree (etc/, var/, run/) laid out like a real host.</summary>
    public required string Directory { get; init; }

    /// <summary>ZooKeeper server id (source and destination hosts).</summary>
    public int? ServerId { get; init; }

    /// <summary>Kafka <c>broker.id</c> (broker hosts).</summary>
    public int? BrokerId { get; init; }

    /// <summary>A non-Kafka tenant host's product (<see cref="LabTenantProduct.Name"/>), or null.</summary>
    public string? Product { get; init; }

    /// <summary>The product of a <see cref="LabHostRole.TenantProduct"/> host, or null.</summary>
    [JsonIgnore]
    public LabTenantProduct? TenantProduct => Product is not null && LabTenantProduct.All.TryGetValue(Product, out var product) ? product : null;

    public int ClientPort { get; init; } = 2181;

    public int QuorumPort { get; init; } = 2888;

    public int ElectionPort { get; init; } = 3888;

    /// <summary>ZooKeeper's <c>secureClientPort</c> (TLS clients) on a secured lab's ZooKeeper host; 0 elsewhere.</summary>
    public int SecureClientPort { get; init; }

    /// <summary>The port tenants use: <see cref="SecureClientPort"/> on a secured lab, else <see cref="ClientPort"/>.</summary>
    [JsonIgnore]
    public int TenantPort => SecureClientPort > 0 ? SecureClientPort : ClientPort;

    /// <summary>The agent's gRPC port (0 when the host has no agent).</summary>
    public int AgentPort { get; init; }

    /// <summary><c>address:port</c> of the agent (an IPv6 address in brackets), or null.</summary>
    [JsonIgnore]
    public string? AgentEndpoint => AgentPort > 0 ? new HostEndpoint(Address, AgentPort).ToString() : null;

    /// <summary>The agent as the plan names it (<see cref="ConfigHost"/>:port), or null.</summary>
    [JsonIgnore]
    public string? ConfiguredAgentEndpoint => AgentPort > 0 ? new HostEndpoint(ConfigHost, AgentPort).ToString() : null;

    [JsonIgnore]
    public bool IsZooKeeperHost => Role is LabHostRole.Source or LabHostRole.Destination;

    [JsonIgnore]
    public HostLayout Layout => new(Directory);

    /// <summary>The service the lab's service script runs for this host's role: zookeeper, kafka or tenant.</summary>
    [JsonIgnore]
    public string? MainService => Role switch
    {
        LabHostRole.Source or LabHostRole.Destination => HostLayout.ZooKeeperService,
        LabHostRole.Broker => HostLayout.KafkaService,
        LabHostRole.Tenant => HostLayout.TenantService,
        LabHostRole.TenantProduct => Product,
        _ => null,
    };
}
