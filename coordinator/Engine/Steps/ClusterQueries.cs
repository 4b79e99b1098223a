using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Questions several steps ask of the clusters.</summary>
internal static class ClusterQueries
{
    public static async Task<Dictionary<int, ServerObservation>> ObserveAllAsync(StepContext context, IReadOnlyList<ServerSpec> servers, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(servers.Select(async s => (s.Id, Observation: await context.Inspector.ObserveServerAsync(s, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        foreach (var (id, observation) in results)
        {
            var server = servers.First(s => s.Id == id);
            context.NodeState(server.ClientEndpoint, observation.Mode, observation.Zxid, observation.Connections);
        }

        return results.ToDictionary(r => r.Id, r => r.Observation);
    }

    /// <summary>
    /// The followers among <paramref name="servers"/>, or all of them when none follows: where a whole-tree read goes,
    /// so that it queues on one follower and not on the leader, which every write of every tenant goes through.
    /// </summary>
    public static async Task<IReadOnlyList<ServerSpec>> FollowersOrAllAsync(StepContext context, IReadOnlyList<ServerSpec> servers, CancellationToken cancellationToken)
    {
        var observed = await ObserveAllAsync(context, servers, cancellationToken).ConfigureAwait(false);
        var followers = servers.Where(s => observed[s.Id].Mode == "follower").ToList();
        return followers.Count > 0 ? followers : servers;
    }

    /// <summary>The one leader among <paramref name="observed"/>, or null when there is none or more than one.</summary>
    public static int? SingleLeader(IReadOnlyDictionary<int, ServerObservation> observed)
    {
        var leaders = observed.Where(o => o.Value.Mode == "leader").Select(o => o.Key).ToList();
        return leaders.Count == 1 ? leaders[0] : null;
    }

    /// <summary>
    /// The destination nodes that joined have reached the joint leader's zxid (read first): every destination
    /// node as an observer (observer strategy), or every joiner as a follower (participant strategy); with
    /// <paramref name="only"/>, just that one.
    /// </summary>
    public static async Task<bool> ObserversCaughtUpAsync(StepContext context, ServerSpec? only, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var participant = plan.Strategy == Plans.MigrationStrategy.Participant;
        IReadOnlyList<ServerSpec> joined = only is not null ? [only] : participant ? plan.Destination.Where(d => plan.Joiners.Contains(d.Id)).ToList() : plan.Destination;
        var voters = participant ? plan.Source.Concat(joined).ToList() : plan.Source;
        var observedVoters = await ObserveAllAsync(context, voters, cancellationToken).ConfigureAwait(false);
        if (SingleLeader(observedVoters) is not { } leader)
        {
            return false;
        }

        var target = observedVoters[leader].Zxid;
        var destination = await ObserveAllAsync(context, joined, cancellationToken).ConfigureAwait(false);
        var mode = participant ? "follower" : "observer";
        return destination.Values.All(d => d.Mode == mode && d.Zxid >= target);
    }

    public static bool IsKafkaHealthy(KafkaState state, IEnumerable<int> brokerIds, out string problem)
    {
        var missing = brokerIds.Where(id => !state.Brokers.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            problem = $"broker(s) {string.Join(", ", missing)} not registered";
            return false;
        }

        if (state.Problems.Count > 0)
        {
            problem = string.Join("; ", state.Problems.Take(5).Select(p => $"{p.Topic}-{p.Partition}: {p.Problem}")) + (state.Problems.Count > 5 ? $" (+{state.Problems.Count - 5} more)" : "");
            return false;
        }

        problem = "";
        return true;
    }
}
