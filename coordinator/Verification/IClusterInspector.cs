using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Verification;

/// <summary>A server as seen from its client port (<c>srvr</c>).</summary>
/// <param name="Serving">It answered with a mode (not "not currently serving", not refused).</param>
/// <param name="Mode">leader | follower | observer | standalone, or null.</param>
/// <param name="Zxid">The zxid it reported, or -1.</param>
/// <param name="Error">Why it is not serving, when it is not.</param>
/// <param name="Connections">Its client connections (srvr's "Connections"), when it said.</param>
public sealed record ServerObservation(bool Serving, string? Mode, long Zxid, string? Error, int? Connections = null);

/// <summary>A broker's registration: <c>/brokers/ids/&lt;id&gt;</c>'s czxid (the broker epoch) and its session.</summary>
public sealed record BrokerRegistration(int BrokerId, long Czxid, long SessionId);

/// <summary>A partition whose state is not healthy: no leader, a leader not registered, or an ISR short of its replicas.</summary>
public sealed record PartitionProblem(string Topic, int Partition, string Problem);

/// <summary>What Kafka left in ZooKeeper under the chroot.</summary>
public sealed record KafkaState(IReadOnlyDictionary<int, BrokerRegistration> Brokers, long? ControllerEpoch, int? ControllerId, IReadOnlyList<PartitionProblem> Problems, int PartitionCount);

/// <summary>One znode of a snapshot of the chroot: its version, modification zxid and whether it is ephemeral.</summary>
public sealed record ZnodeSummary(int Version, long Mzxid, bool Ephemeral, int DataLength)
{
    /// <summary>The session that owns it when it is ephemeral (0 otherwise, or when the reader did not say).</summary>
    public long Owner { get; init; }
}

/// <summary>A chroot could not be read whole; the message is one line naming the znode and what to do.</summary>
public sealed class ChrootReadException(string path, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The znode whose read failed.</summary>
    public string Path { get; } = path;
}

/// <summary>The chroot's tree at one moment, path → summary, with a digest of the persistent nodes' data.</summary>
public sealed record ChrootSnapshot(IReadOnlyDictionary<string, ZnodeSummary> Nodes, string Digest)
{
    public int PersistentCount => Nodes.Values.Count(n => !n.Ephemeral);
}

/// <summary>One live registration of a tenant host: the ephemeral znode (absolute, chroot included) and the session that owns it.</summary>
public sealed record TenantRegistration(string Path, long SessionId);

/// <summary>Reads ZooKeeper directly (not through agents) to verify servers and Kafka's data.</summary>
public interface IClusterInspector
{
    Task<ServerObservation> ObserveServerAsync(ServerSpec server, CancellationToken cancellationToken);

    /// <summary>Kafka's registrations, controller epoch and partition health under <paramref name="chroot"/>.</summary>
    Task<KafkaState> ReadKafkaStateAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken);

    /// <summary>Kafka's brokers with their racks and every partition's placement under <paramref name="chroot"/> (the batched switch).</summary>
    Task<Switch.KafkaTopology> ReadKafkaTopologyAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken);

    Task<ChrootSnapshot> SnapshotAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(IReadOnlyList<ServerSpec> servers, string path, CancellationToken cancellationToken);

    /// <summary>
    /// A tenant's live registrations (<see cref="TenantHealth"/>): the ephemeral children of <paramref name="path"/>, or
    /// with <paramref name="child"/> the ephemeral <c>&lt;path&gt;/&lt;c&gt;/&lt;child&gt;</c> of each child c. A missing path is none.
    /// </summary>
    /// <remarks><paramref name="path"/> is absolute, chroot included.</remarks>
    Task<IReadOnlyList<TenantRegistration>> ReadRegistrationsAsync(IReadOnlyList<ServerSpec> servers, string path, string? child, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not read tenant registrations");

    /// <summary>The top subtrees <paramref name="servers"/> hold outside <paramref name="scope"/>'s chroots (<see cref="Cleanup.DestinationPruner.ExtraRootsAsync"/>).</summary>
    Task<IReadOnlyList<string>> ReadExtraRootsAsync(IReadOnlyList<ServerSpec> servers, Cleanup.CleanupScope scope, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not list the subtrees outside the chroots");
}
