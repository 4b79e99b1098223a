namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Step 7: removes the firewall rules and proves source and destination are independent ensembles.</summary>
internal sealed class HealStep : MigrationStep
{
    public override string Id => "heal";

    public override string Title => "Remove the firewall rules; prove source and destination are independent";

    public override IReadOnlyList<string> ChecksBefore => ["the destination has its own leader"];

    public override IReadOnlyList<string> Actions => ["remove our firewall rules on every destination node"];

    public override IReadOnlyList<string> ChecksAfter =>
    [
        "no rule of ours left on any destination node",
        "each destination zoo.cfg lists only destination members; the source leader's learners are the source's own",
        "each leader's learners are its own members only",
    ];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        await Task.WhenAll(plan.Destination.Select(d => context.EffectAsync(RollingRestart.Key("heal", d), context.Agent(d.Agent),
            (operation, ct) => context.Agent(d.Agent).HealAsync(operation, ct), cancellationToken))).ConfigureAwait(false);
        var problems = new List<string>();
        var destinationIds = plan.Destination.Select(d => d.Id).ToHashSet();
        foreach (var d in plan.Destination)
        {
            var agent = context.Agent(d.Agent);
            var rules = await agent.ListFirewallAsync(cancellationToken).ConfigureAwait(false);
            if (rules.Count > 0)
            {
                problems.Add($"destination server {d.Id}: firewall rules left: {string.Join("; ", rules)}");
            }

            var config = await agent.ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
            var foreign = config.Members.Where(m => !destinationIds.Contains((int)m.Id)).Select(m => m.Id).ToList();
            if (foreign.Count > 0)
            {
                problems.Add($"destination server {d.Id}: zoo.cfg still lists non-destination members {string.Join(", ", foreign)}");
            }
        }

        await CheckLearnersAsync(context, plan.Source, problems, cancellationToken).ConfigureAwait(false);
        await CheckLearnersAsync(context, plan.Destination, problems, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            throw new StepFailedException(Id, string.Join("; ", problems));
        }

        context.Info("firewall rules removed; source and destination are independent");
    }

    private static async Task CheckLearnersAsync(StepContext context, IReadOnlyList<Plans.ServerSpec> members, List<string> problems, CancellationToken cancellationToken)
    {
        // Observers detached by the cut may take a moment to be dropped by the leader: allow that moment.
        var expected = members.Count - 1;
        int? last = null;
        try
        {
            await context.WaitUntilAsync($"the leader of {string.Join(",", members.Select(m => m.Id))} to have exactly its own {expected} learner(s)", context.Plan.Timeouts.CatchUp, async ct =>
            {
                var observed = await ClusterQueries.ObserveAllAsync(context, members, ct).ConfigureAwait(false);
                if (ClusterQueries.SingleLeader(observed) is not { } leader)
                {
                    return false;
                }

                var status = await context.Agent(members.First(m => m.Id == leader).Agent).GetZooKeeperStatusAsync(ct).ConfigureAwait(false);
                last = status.Learners;
                return status.Learners is null || status.Learners == expected;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StepFailedException e)
        {
            problems.Add($"{e.Message} (last seen: {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
        }
    }
}
