using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>A destination node's last zxid, read from its data dir on disk while stopped.</summary>
public sealed record NodeZxid(int ServerId, long Zxid);

/// <summary>The order in which to start the destination nodes so no node behind another can lead.</summary>
/// <param name="First">The node started alone first: the highest zxid (the highest id among equals, as ZooKeeper's own vote would pick).</param>
/// <param name="Rest">Started together by barrier once <paramref name="First"/> listens for elections.</param>
/// <param name="HighestZxid">The highest zxid any destination node holds: the new leader's log must reach it.</param>
/// <param name="Zxids">Every node's zxid on disk.</param>
public sealed record ElectionOrder(int First, IReadOnlyList<int> Rest, long HighestZxid, IReadOnlyList<NodeZxid> Zxids)
{
    /// <summary>Nodes that hold the highest zxid: any of them may lead without truncating anyone.</summary>
    public IReadOnlyList<int> SafeLeaders => Zxids.Where(z => z.Zxid == HighestZxid).Select(z => z.ServerId).ToList();

    /// <summary>Orders <paramref name="zxids"/>: highest zxid first (ties: highest id), the rest after it.</summary>
    public static ElectionOrder Decide(IReadOnlyList<NodeZxid> zxids)
    {
        if (zxids.Count == 0)
        {
            throw new ArgumentException("no destination nodes to order", nameof(zxids));
        }

        var first = zxids.OrderByDescending(z => z.Zxid).ThenByDescending(z => z.ServerId).First();
        return new ElectionOrder(first.ServerId, zxids.Where(z => z.ServerId != first.ServerId).Select(z => z.ServerId).Order().ToList(), first.Zxid, zxids.ToList());
    }

    /// <summary>
    /// Checks the outcome: exactly one leader, it is one of <see cref="SafeLeaders"/>, every other node follows,
    /// and the leader's zxid is past the highest zxid seen (the new epoch starts above it). Returns the problems.
    /// </summary>
    public IReadOnlyList<string> Verify(IReadOnlyDictionary<int, ServerObservation> observed)
    {
        var problems = new List<string>();
        var leaders = observed.Where(o => o.Value.Mode == "leader").Select(o => o.Key).ToList();
        if (leaders.Count != 1)
        {
            problems.Add($"expected exactly one leader, saw {leaders.Count} ({string.Join(", ", leaders)})");
            return problems;
        }

        var leader = leaders[0];
        if (!SafeLeaders.Contains(leader))
        {
            problems.Add($"LEADER {leader} IS BEHIND: it stopped at {Zxid.Format(Zxids.First(z => z.ServerId == leader).Zxid)} but node(s) {string.Join(", ", SafeLeaders)} held {Zxid.Format(HighestZxid)}; "
                + $"transactions may have been truncated. Zxids on disk: {Describe()}");
        }

        if (observed[leader].Zxid >= 0 && observed[leader].Zxid < HighestZxid)
        {
            problems.Add($"leader {leader} reports zxid {Zxid.Format(observed[leader].Zxid)}, below the highest seen {Zxid.Format(HighestZxid)}. Zxids on disk: {Describe()}");
        }

        foreach (var (id, observation) in observed.Where(o => o.Key != leader))
        {
            if (observation.Mode != "follower")
            {
                problems.Add($"node {id} is {observation.Mode ?? observation.Error ?? "not serving"}, not a follower");
            }
        }

        return problems;
    }

    public string Describe() => string.Join(", ", Zxids.OrderBy(z => z.ServerId).Select(z => $"{z.ServerId}={Zxid.Format(z.Zxid)}"));
}
