namespace ZkMitosis.Coordinator.Plans;

/// <summary>How the brokers of a batched switch are grouped (plan <c>switch.batch</c>).</summary>
public enum SwitchBatching
{
    /// <summary>One batch per rack: Kafka's rack-aware placement keeps every partition's replicas on several racks.</summary>
    Rack,

    /// <summary>Batches of <see cref="SwitchSettings.BatchSize"/> brokers in plan order.</summary>
    Size,
}

/// <summary>
/// The plan's <c>switch:</c> section (docs/plan-format.md): the Kafka switch restarts brokers in batches instead of
/// one at a time. Absent from a plan, the switch is as it always was: one broker at a time.
/// </summary>
public sealed record SwitchSettings
{
    /// <summary>Bounds of <c>switch.brokerRestart</c>: a broker's restart to healthy (controlled shutdown, log recovery).</summary>
    public static readonly (TimeSpan Min, TimeSpan Max) BrokerRestartBounds = (TimeSpan.FromSeconds(1), TimeSpan.FromHours(2));

    /// <summary>Largest <c>switch.batch</c> and <c>switch.maxUnavailable</c> number accepted.</summary>
    public const int MaxBrokers = 100_000;

    /// <summary>By rack, or by a number of brokers.</summary>
    public SwitchBatching Batching { get; init; } = SwitchBatching.Rack;

    /// <summary>Brokers per batch with <see cref="SwitchBatching.Size"/>; ignored by rack.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>At most this many brokers down at once (a batch larger than this is split); null: no cap.</summary>
    public int? MaxUnavailable { get; init; }

    /// <summary>
    /// The brokers' <c>min.insync.replicas</c> for a topic without its own override in <c>/config/topics/&lt;t&gt;</c>
    /// (the broker setting of that name; Kafka's default is 1).
    /// </summary>
    public int DefaultMinInsyncReplicas { get; init; } = 1;

    /// <summary>One broker's restart until it is healthy again, for the projected duration; null: not projected until measured.</summary>
    public TimeSpan? BrokerRestart { get; init; }
}
