using System.Globalization;

namespace ZkMitosis.Coordinator.Switch;

/// <summary>
/// The two questions asked before a batch of brokers is restarted, as pure functions over a
/// <see cref="KafkaTopology"/>: is Kafka whole now, and would it stay writable with the whole batch down.
/// </summary>
public static class BatchSafety
{
    /// <summary>
    /// Why Kafka is not ready for the next batch, or null when it is: every broker of <paramref name="brokers"/>
    /// registered, and every partition with a registered leader and a full ISR (every assigned replica in sync).
    /// A batch started short of that would count on replicas that are already missing.
    /// </summary>
    public static string? NotReady(KafkaTopology topology, IEnumerable<int> brokers)
    {
        var missing = brokers.Where(id => !topology.RegisteredRacks.ContainsKey(id)).Order().ToList();
        if (missing.Count > 0)
        {
            return $"broker(s) {Join(missing)} not registered";
        }

        var problems = new List<string>();
        foreach (var p in Ordered(topology.Partitions))
        {
            if (p.Leader < 0)
            {
                problems.Add($"{p.Name} offline (no leader)");
            }
            else if (!topology.RegisteredRacks.ContainsKey(p.Leader))
            {
                problems.Add($"{p.Name} leader {p.Leader.ToString(CultureInfo.InvariantCulture)} not registered");
            }
            else if (p.Replicas.Except(p.Isr).Any())
            {
                problems.Add($"{p.Name} under-replicated (isr {Join(p.Isr)} of {Join(p.Replicas)})");
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems.Take(3)) + (problems.Count > 3 ? $" (+{problems.Count - 3} more)" : "");
    }

    /// <summary>
    /// Why stopping every broker of <paramref name="down"/> at once is unsafe, or null when it is safe: a partition
    /// with a replica among them would lose every replica, or keep fewer in-sync replicas than its
    /// <c>min.insync.replicas</c> (the topic's own, else <paramref name="defaultMinInsyncReplicas"/>), which makes
    /// Kafka refuse <c>acks=all</c> writes (NotEnoughReplicas). Counted from the assignment, as after the readiness
    /// gate every replica is in sync. A partition assigned fewer replicas than its minimum is already unwritable
    /// that way and is judged only on losing every replica. The reason names the first such partition in the
    /// topology's order (<see cref="Sorted"/> gives topic, then partition).
    /// </summary>
    public static string? Unsafe(IReadOnlyCollection<int> down, KafkaTopology topology, int defaultMinInsyncReplicas)
    {
        var set = down as IReadOnlySet<int> ?? down.ToHashSet();
        string? first = null;
        var count = 0;
        foreach (var p in topology.Partitions)
        {
            var stopped = p.Replicas.Count(set.Contains);
            if (stopped == 0)
            {
                continue;
            }

            var left = p.Replicas.Count - stopped;
            var min = p.MinInsyncReplicas ?? defaultMinInsyncReplicas;
            string? problem = null;
            if (left == 0)
            {
                problem = $"{p.Name} would lose every replica ({Join(p.Replicas)})";
            }
            else if (left < min && p.Replicas.Count >= min)
            {
                var origin = p.MinInsyncReplicas is null ? "the brokers' default" : "topic config";
                problem = $"{p.Name} would keep {left.ToString(CultureInfo.InvariantCulture)} in-sync replica(s), below min.insync.replicas {min.ToString(CultureInfo.InvariantCulture)} ({origin})";
            }

            if (problem is not null)
            {
                first ??= problem;
                count++;
            }
        }

        return first is null ? null : first + (count > 1 ? $" (+{(count - 1).ToString(CultureInfo.InvariantCulture)} more partitions)" : "");
    }

    /// <summary>The topology with its partitions in topic, then partition order, so reasons name the same partition every time.</summary>
    public static KafkaTopology Sorted(KafkaTopology topology) => topology with { Partitions = Ordered(topology.Partitions).ToList() };

    private static IEnumerable<PartitionPlacement> Ordered(IEnumerable<PartitionPlacement> partitions) =>
        partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition);

    internal static string Join(IEnumerable<int> ids) => string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
