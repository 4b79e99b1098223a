namespace ZkMitosis.Coordinator.Switch;

/// <summary>
/// One partition as Kafka (ZooKeeper mode) keeps it: replicas from <c>/brokers/topics/&lt;t&gt;</c>'s
/// <c>partitions</c> map, leader and ISR from <c>/brokers/topics/&lt;t&gt;/partitions/&lt;p&gt;/state</c>, and the
/// topic's own <c>min.insync.replicas</c> from <c>/config/topics/&lt;t&gt;</c>'s <c>config</c> map when it has one.
/// </summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Partition">The partition number.</param>
/// <param name="Replicas">The assigned replicas (broker ids), in assignment order.</param>
/// <param name="Leader">The leader's broker id, or -1 when the partition is offline (Kafka writes -1; no state reads as -1 too).</param>
/// <param name="Isr">The in-sync replicas.</param>
/// <param name="MinInsyncReplicas">The topic's override of <c>min.insync.replicas</c>, or null (the brokers' default applies).</param>
public sealed record PartitionPlacement(string Topic, int Partition, IReadOnlyList<int> Replicas, int Leader, IReadOnlyList<int> Isr, int? MinInsyncReplicas)
{
    /// <summary><c>topic-partition</c>, as Kafka names a partition in its logs.</summary>
    public string Name => $"{Topic}-{Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>
/// What the batch planner needs of a Kafka cluster at one moment: the registered brokers with the rack each
/// registered (<c>/brokers/ids/&lt;id&gt;</c> JSON <c>rack</c>, null when the broker sets no <c>broker.rack</c>) and
/// every partition's placement.
/// </summary>
public sealed record KafkaTopology(IReadOnlyDictionary<int, string?> RegisteredRacks, IReadOnlyList<PartitionPlacement> Partitions)
{
    /// <summary>
    /// Each registered broker's epoch: the czxid of its <c>/brokers/ids/&lt;id&gt;</c> (KIP-380), new with every
    /// registration; empty when the reader did not read it. A restarted broker is back only once its epoch is newer
    /// than before the restart: until the old session expires, the old registration still stands.
    /// </summary>
    public IReadOnlyDictionary<int, long> BrokerEpochs { get; init; } = new Dictionary<int, long>();
}
