namespace ZkMitosis.Coordinator.Plans;

/// <summary>What can still go wrong with a valid plan's strategy, printed by <c>migrate plan</c> (DESIGN.md).</summary>
public static class ResidualRisks
{
    public static IReadOnlyList<string> For(MigrationPlan plan)
    {
        var risks = new List<string>();
        if (plan.Strategy == MigrationStrategy.Observer)
        {
            risks.Add("Kafka's sessions move to the destination one broker at a time; each broker restart is a short outage for that broker only.");
            risks.Add("Between the cut and the destination election the destination serves nothing: Kafka sees one gap (sessions survive, the new leader restarts their expiry clocks).");
            risks.Add("After the cut the source still holds a stale copy of the chroot; it is not pruned until you ask for it.");
        }
        else
        {
            var n = plan.Source.Count;
            var k = plan.Joiners.Count;
            risks.Add($"The source runs a {n + k}-node view with {n} nodes reachable after the cut: no fault tolerance until it is restarted with its own members, and a blip when it restarts.");
            // model/participant.pml: two quorums, one per view, are disjoint only if Q(n) + Q(n + k) <= n + k (Spin's trail for 3 + 2).
            risks.Add(QuorumMath.Quorum(n) + QuorumMath.Quorum(n + k) > n + k
                ? $"During the joint rolling restart the {n}-node and {n + k}-node views cannot form non-overlapping quorums (Q({n}) + Q({n + k}) > {n + k}; model/participant.pml)."
                : $"During the joint rolling restart mixed {n}-node and {n + k}-node views can form non-overlapping quorums (k={k}) if the leader is lost before the last source restart: Spin's trail (docs/model.md, model/participant.pml) has the source nodes still on the {n}-node view elect one of their own while the joiners and a restarted source node elect a joiner; the coordinator checks zxids are equal before each restart but cannot rule this out.");
            risks.Add("The source's leader is restarted last and a source node must lead before the cut; the source's other tenants see the source restarts.");
            risks.Add($"The {plan.Destination.Count - k} dormant destination node(s) start empty and sync from the destination leader after the election.");
        }

        if (plan.Tls.Insecure)
        {
            risks.Add("WARNING: tls.insecure is true: agent calls are not authenticated. Use this only for rehearsals.");
        }

        return risks;
    }
}
