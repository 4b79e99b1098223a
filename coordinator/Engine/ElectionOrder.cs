using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>A destination node's last zxid (and currentEpoch file, -1 when absent), read from its data dir on disk while stopped.</summary>
public sealed record NodeZxid(int ServerId, long Zxid, long CurrentEpoch = -1)
{
    /// <summary>
    /// The epoch this node's election vote will carry: its currentEpoch file, or, when the file is absent, the epoch
    /// of its last zxid (what ZooKeeper itself assumes when it loads a data dir without one).
    /// </summary>
    public long VoteEpoch => CurrentEpoch >= 0 ? CurrentEpoch : Math.Max(0, Zxid >> 32);
}

/// <summary>
/// The order in which to start the destination nodes so that no node behind another can lead: a quorum-count
/// fence. The first wave is a quorum (Q nodes) led by the nodes at the highest zxid, so at most Q−1 of them
/// are behind. A leader needs Q votes, so at least one vote must come from a node at the highest zxid, and such a
/// node only votes for a proposal that beats its own (epoch, zxid, id): never for a node behind it. The second
/// wave starts once a safe leader leads, and can only join it.
/// </summary>
/// <remarks>
/// Starting the highest node alone first and "the others together" after it is not enough: with three nodes the
/// two others are already a quorum, and under load they agreed on each other within ZooKeeper's 200 ms finalize
/// wait before the highest node's vote reached them (seen in CI: leader 5 at 0x…1aa7 while node 6 held 0x…1c1c).
/// </remarks>
/// <param name="FirstWave">Started together by barrier: Q nodes, the highest first (so at most Q−1 behind).</param>
/// <param name="SecondWave">Started together by barrier once the first wave has a safe leader.</param>
/// <param name="HighestZxid">The highest zxid any destination node holds: the new leader's log must reach it.</param>
/// <param name="Zxids">Every node's zxid on disk.</param>
public sealed record ElectionOrder(IReadOnlyList<int> FirstWave, IReadOnlyList<int> SecondWave, long HighestZxid, IReadOnlyList<NodeZxid> Zxids)
{
    /// <summary>Nodes that hold the highest zxid: any of them may lead without truncating anyone.</summary>
    public IReadOnlyList<int> SafeLeaders => Zxids.Where(z => z.Zxid == HighestZxid).Select(z => z.ServerId).Order().ToList();

    /// <summary>The votes a leader needs among <paramref name="voters"/> voting members.</summary>
    public static int Quorum(int voters) => (voters / 2) + 1;

    /// <summary>Splits <paramref name="zxids"/> (every destination voter) into the two start waves.</summary>
    /// <exception cref="UnsafeElectionException">No first wave can reach a quorum without letting a node behind lead.</exception>
    public static ElectionOrder Decide(IReadOnlyList<NodeZxid> zxids)
    {
        if (zxids.Count == 0)
        {
            throw new ArgumentException("no destination nodes to order", nameof(zxids));
        }

        var quorum = Quorum(zxids.Count);
        var highest = zxids.Max(z => z.Zxid);
        var safe = zxids.Where(z => z.Zxid == highest).ToList();
        var lowestSafeEpoch = safe.Min(z => z.VoteEpoch);

        // A node behind may share the first wave only if no safe node would vote for it: its vote epoch must not
        // exceed a safe node's (the epoch is compared before the zxid). The first wave is just a quorum, the most
        // up-to-date first: fewer JVMs starting at once on the hosts' CPUs, the least for the second wave to sync.
        var behind = zxids.Where(z => z.Zxid < highest && z.VoteEpoch <= lowestSafeEpoch)
            .OrderByDescending(z => z.Zxid).ThenByDescending(z => z.ServerId).Take(quorum - 1);
        var firstWave = safe.OrderByDescending(z => z.ServerId).Concat(behind).Take(quorum).Select(z => z.ServerId).Order().ToList();
        var order = new ElectionOrder(firstWave, zxids.Select(z => z.ServerId).Except(firstWave).Order().ToList(), highest, zxids.ToList());
        if (firstWave.Count < quorum)
        {
            throw new UnsafeElectionException(
                $"no safe first wave: a quorum needs {quorum} of {zxids.Count} nodes but only {firstWave.Count} ({string.Join(", ", firstWave)}) can start without letting a node behind the highest zxid lead; "
                + $"the others carry a newer epoch than the nodes at the highest zxid. Zxids on disk: {order.Describe()}");
        }

        return order;
    }

    /// <summary>
    /// Checks <paramref name="observed"/> (the started nodes): exactly one leader, one of <see cref="SafeLeaders"/>,
    /// every other node follows, and the leader's zxid is past the highest zxid seen (the new epoch starts above it).
    /// Returns the problems.
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
