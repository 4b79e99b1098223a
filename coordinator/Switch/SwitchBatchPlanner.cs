using System.Globalization;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Switch;

/// <summary>One batch of the Kafka switch: brokers restarted together.</summary>
/// <param name="Number">1-based position in the plan it belongs to.</param>
/// <param name="Group">What grouped its brokers: <c>rack r1</c>, <c>brokers 1-25</c>, <c>broker 7 (no rack)</c>.</param>
/// <param name="Brokers">Broker ids, in plan order.</param>
/// <param name="Split">Why its group was split into several batches, or null.</param>
/// <param name="Warning">Set on a batch of one broker that is unsafe even alone (as it is in a switch one at a time), or null.</param>
public sealed record SwitchBatch(int Number, string Group, IReadOnlyList<int> Brokers, string? Split, string? Warning = null);

/// <summary>The batches of a switch.</summary>
public sealed record SwitchBatchPlan(IReadOnlyList<SwitchBatch> Batches)
{
    /// <summary>Every broker once, in batch order.</summary>
    public IEnumerable<int> Brokers => Batches.SelectMany(b => b.Brokers);

    /// <summary>What the planner could not plan away: brokers unsafe to restart even alone.</summary>
    public IEnumerable<string> Warnings => Batches.Select(b => b.Warning).OfType<string>();
}

/// <summary>
/// Plans the batched Kafka switch (plan <c>switch:</c>) as a pure function of the brokers, the settings and, when
/// known, a <see cref="KafkaTopology"/>: group by rack (the rack each broker registered, else the plan's) or by
/// size, cap each group at <c>maxUnavailable</c>, then split any group that would leave a partition below its
/// <c>min.insync.replicas</c> or without a replica (<see cref="BatchSafety.Unsafe"/>), saying why.
/// </summary>
public static class SwitchBatchPlanner
{
    /// <summary>
    /// The batches for <paramref name="brokers"/> (plan order is kept within a group; groups come in the order of
    /// their first broker). Without <paramref name="topology"/> (<c>migrate plan</c>, offline) racks are the plan's
    /// and nothing is split for safety: the run plans again against the live cluster before every batch.
    /// </summary>
    public static SwitchBatchPlan Plan(IReadOnlyList<BrokerSpec> brokers, KafkaTopology? topology, SwitchSettings settings)
    {
        var sorted = topology is null ? null : BatchSafety.Sorted(topology);
        var batches = new List<(string Group, IReadOnlyList<int> Brokers, string? Split)>();
        foreach (var (group, members) in Groups(brokers, sorted, settings))
        {
            var capped = Cap(members, settings.MaxUnavailable);
            var capReason = capped.Count > 1 ? $"maxUnavailable {settings.MaxUnavailable!.Value.ToString(CultureInfo.InvariantCulture)}" : null;
            var parts = new List<(IReadOnlyList<int> Brokers, string? Reason)>();
            foreach (var chunk in capped)
            {
                if (sorted is null)
                {
                    parts.Add((chunk, null));
                    continue;
                }

                var (safe, reason) = SplitUnsafe(chunk, sorted, settings.DefaultMinInsyncReplicas);
                parts.AddRange(safe.Select(s => ((IReadOnlyList<int>)s, reason)));
            }

            var safetyReason = parts.Select(p => p.Reason).FirstOrDefault(r => r is not null);
            var reasons = new[] { capReason, safetyReason }.OfType<string>().ToList();
            var split = parts.Count > 1 ? $"{group} split into {parts.Count.ToString(CultureInfo.InvariantCulture)} batches: {string.Join("; ", reasons)}" : null;
            batches.AddRange(parts.Select(p => (group, p.Brokers, split)));
        }

        return new SwitchBatchPlan(batches.Select((b, i) => new SwitchBatch(i + 1, b.Group, b.Brokers, b.Split, Alone(b.Brokers, sorted, settings))).ToList());
    }

    private static string? Alone(IReadOnlyList<int> brokers, KafkaTopology? topology, SwitchSettings settings) =>
        brokers.Count == 1 && topology is not null && BatchSafety.Unsafe(brokers, topology, settings.DefaultMinInsyncReplicas) is { } alone
            ? $"broker {Id(brokers[0])} cannot be restarted safely even alone: {alone} (as in a switch one at a time)"
            : null;

    /// <summary>The rack of <paramref name="broker"/>: the one it registered in <c>/brokers/ids</c>, else the plan's, else null.</summary>
    public static string? RackOf(BrokerSpec broker, KafkaTopology? topology) =>
        topology is not null && topology.RegisteredRacks.TryGetValue(broker.Id, out var registered) && !string.IsNullOrEmpty(registered) ? registered : broker.Rack;

    private static List<(string Group, List<int> Members)> Groups(IReadOnlyList<BrokerSpec> brokers, KafkaTopology? topology, SwitchSettings settings)
    {
        var groups = new List<(string Group, List<int> Members)>();
        if (settings.Batching == SwitchBatching.Size)
        {
            foreach (var chunk in brokers.Chunk(settings.BatchSize))
            {
                var label = chunk.Length == 1 ? $"broker {Id(chunk[0].Id)}" : $"brokers {Id(chunk[0].Id)}-{Id(chunk[^1].Id)}";
                groups.Add((label, chunk.Select(b => b.Id).ToList()));
            }

            return groups;
        }

        var byRack = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var broker in brokers)
        {
            if (RackOf(broker, topology) is not { } rack)
            {
                // No rack known: nothing says which brokers may go down together, so it goes alone.
                groups.Add(($"broker {Id(broker.Id)} (no rack)", [broker.Id]));
                continue;
            }

            if (!byRack.TryGetValue(rack, out var members))
            {
                members = [];
                byRack[rack] = members;
                groups.Add(($"rack {rack}", members));
            }

            members.Add(broker.Id);
        }

        return groups;
    }

    private static List<List<int>> Cap(List<int> members, int? maxUnavailable) =>
        maxUnavailable is { } max ? members.Chunk(max).Select(c => c.ToList()).ToList() : [members];

    /// <summary>
    /// First fit: each broker joins the first batch it keeps safe, else starts a new one. The reason is the first
    /// check that refused a broker a place, so the operator sees which partition forced the split.
    /// </summary>
    private static (List<List<int>> Batches, string? Reason) SplitUnsafe(List<int> members, KafkaTopology topology, int defaultMinInsyncReplicas)
    {
        if (BatchSafety.Unsafe(members, topology, defaultMinInsyncReplicas) is null)
        {
            return ([members], null);
        }

        var batches = new List<List<int>>();
        string? reason = null;
        foreach (var broker in members)
        {
            var placed = false;
            foreach (var batch in batches)
            {
                var candidate = batch.Append(broker).ToList();
                if (BatchSafety.Unsafe(candidate, topology, defaultMinInsyncReplicas) is { } unsafeReason)
                {
                    reason ??= $"with brokers {BatchSafety.Join(candidate)} down, {unsafeReason}";
                    continue;
                }

                batch.Add(broker);
                placed = true;
                break;
            }

            if (!placed)
            {
                batches.Add([broker]);
            }
        }

        return (batches, reason);
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
