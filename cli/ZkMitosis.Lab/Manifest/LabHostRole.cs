using System.Text.Json.Serialization;

namespace ZkMitosis.Lab.Manifest;

/// <summary>What a lab host is for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LabHostRole>))]
public enum LabHostRole
{
    /// <summary>A member of the shared source ensemble S: ZooKeeper running, agent.</summary>
    Source,

    /// <summary>A destination host D: ZooKeeper installed but stopped with an empty data dir, agent.</summary>
    Destination,

    /// <summary>A Kafka host: agent and the Kafka broker stand-in.</summary>
    Broker,

    /// <summary>The other tenant's client host, writing under /other on the source.</summary>
    Tenant,

    /// <summary>A host of a non-Kafka tenant (<see cref="LabHost.Product"/>): agent and the tenant-host stand-in in the product's mode.</summary>
    TenantProduct,
}
