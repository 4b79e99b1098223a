using ZkMitosis.Coordinator.Config;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Participant strategy, step 2: the source learns the joint view (n + k voters) by a rolling restart, followers
/// first and its leader last, while the joiners are still stopped, so the election that follows can only pick a
/// source node; then the joiners start and sync as followers. Dormant destination nodes stay stopped and empty.
/// </summary>
internal sealed class JoinParticipantsStep : MigrationStep
{
    public override string Id => "join";

    public override string Title => "Join: joint rolling restart of the source (leader last), then the joiners start as voting followers";

    public override IReadOnlyList<string> ChecksBefore => ["before each source restart: one leader and every follower at the leader's zxid"];

    public override IReadOnlyList<string> Actions =>
    [
        "write the joint zoo.cfg (source + joiners as voters) and restart each source follower, one at a time",
        "restart the source leader last (the joiners are stopped, so a source node is elected)",
        "write the joint zoo.cfg and myid on each joiner, start it",
    ];

    public override IReadOnlyList<string> ChecksAfter => ["a source node leads; every source node and joiner follows at the leader's zxid", "dormant destination nodes stopped and empty"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var members = MemberSets.ParticipantJoin(plan);
        var joiners = plan.Destination.Where(d => plan.Joiners.Contains(d.Id)).ToList();
        var joinersRunning = false;
        foreach (var j in joiners)
        {
            joinersRunning |= (await context.Agent(j.Agent).GetZooKeeperStatusAsync(cancellationToken).ConfigureAwait(false)).Running;
        }

        if (!joinersRunning)
        {
            await RollingRestart.WaitSyncedAsync(context, plan.Source, "the source synced before its rolling restart", cancellationToken).ConfigureAwait(false);
            var observed = await ClusterQueries.ObserveAllAsync(context, plan.Source, cancellationToken).ConfigureAwait(false);
            var leader = ClusterQueries.SingleLeader(observed) ?? throw new StepFailedException(Id, "the source has no single leader");
            foreach (var server in plan.Source.Where(s => s.Id != leader).Append(plan.Source.First(s => s.Id == leader)))
            {
                await RollingRestart.WaitSyncedAsync(context, plan.Source, $"the source synced before restarting server {server.Id}", cancellationToken).ConfigureAwait(false);
                await RollingRestart.RewriteAndRestartAsync(context, server, members, cancellationToken).ConfigureAwait(false);
            }

            await RollingRestart.WaitSyncedAsync(context, plan.Source, "the source to elect one of its own after the joint restart", cancellationToken).ConfigureAwait(false);
        }

        foreach (var j in joiners)
        {
            await RollingRestart.RewriteAndRestartAsync(context, j, members, cancellationToken).ConfigureAwait(false);
        }

        var voters = plan.Source.Concat(joiners).ToList();
        await RollingRestart.WaitSyncedAsync(context, voters, "the joint ensemble: one leader, every voter following", cancellationToken).ConfigureAwait(false);
        var final = await ClusterQueries.ObserveAllAsync(context, voters, cancellationToken).ConfigureAwait(false);
        var jointLeader = ClusterQueries.SingleLeader(final);
        if (jointLeader is { } id && plan.Joiners.Contains(id))
        {
            throw new StepFailedException(Id, $"joiner {id} leads the joint ensemble; a source node must lead before the cut (restart joiner {id} to move leadership)");
        }

        context.Info($"joint ensemble of {voters.Count} voters led by source server {jointLeader}");
    }
}
