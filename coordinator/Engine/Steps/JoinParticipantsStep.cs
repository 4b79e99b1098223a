using ZkMitosis.Coordinator.Config;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Participant strategy, step 2 (the seed's joint rolling restart). The joiners start first with the joint view
/// (n + k voters) and sync from the source's leader; then each source node is restarted with the joint view,
/// followers first and the leader last, each only once the voters are synced (a restarted source node needs the
/// joiners' votes to find the leader in its larger view). If a joiner ends up leading (equal zxids favour the
/// highest id), the joiners are stopped together so the source elects one of its own, and start again as
/// followers: a source node must lead before the cut. Dormant destination nodes stay stopped and empty.
/// </summary>
internal sealed class JoinParticipantsStep : MigrationStep
{
    public override string Id => "join";

    public override string Title => "Join: joiners start as voters, joint rolling restart of the source (leader last), a source node leads";

    public override IReadOnlyList<string> ChecksBefore => ["before each restart: one leader and every voter at the leader's zxid"];

    public override IReadOnlyList<string> Actions =>
    [
        "write the joint zoo.cfg (source + joiners as voters) and myid on each joiner, start it",
        "write the joint zoo.cfg and restart each source follower, one at a time, then the source leader",
        "if a joiner leads: stop the joiners together (the source keeps quorum and elects one of its own), start them again",
    ];

    public override IReadOnlyList<string> ChecksAfter => ["a source node leads; every source node and joiner follows at the leader's zxid", "dormant destination nodes stopped and empty"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var members = MemberSets.ParticipantJoin(plan);
        var joiners = plan.Destination.Where(d => plan.Joiners.Contains(d.Id)).ToList();
        var voters = plan.Source.Concat(joiners).ToList();

        var security = await DestinationSecurity.ReadAsync(context.Agent, plan, cancellationToken).ConfigureAwait(false);
        foreach (var j in joiners)
        {
            await RollingRestart.RewriteAndRestartAsync(context, j, members, cancellationToken, security).ConfigureAwait(false);
        }

        await RollingRestart.WaitSyncedAsync(context, voters, "the joiners to follow the source leader", cancellationToken).ConfigureAwait(false);

        var observed = await ClusterQueries.ObserveAllAsync(context, voters, cancellationToken).ConfigureAwait(false);
        var leader = ClusterQueries.SingleLeader(observed) ?? throw new StepFailedException(Id, "no single leader among the voters");
        foreach (var server in plan.Source.Where(s => s.Id != leader).Append(plan.Source.FirstOrDefault(s => s.Id == leader)).OfType<Plans.ServerSpec>())
        {
            await RollingRestart.WaitSyncedAsync(context, voters, $"the voters synced before restarting source server {server.Id}", cancellationToken).ConfigureAwait(false);
            await RollingRestart.RewriteAndRestartAsync(context, server, members, cancellationToken).ConfigureAwait(false);
        }

        await RollingRestart.WaitSyncedAsync(context, voters, "the joint ensemble: one leader, every voter following", cancellationToken).ConfigureAwait(false);
        observed = await ClusterQueries.ObserveAllAsync(context, voters, cancellationToken).ConfigureAwait(false);
        if (ClusterQueries.SingleLeader(observed) is { } jointLeader && plan.Joiners.Contains(jointLeader))
        {
            context.Warning($"joiner {jointLeader} leads the joint ensemble; stopping the joiners so a source node is elected");
            // A true redo each time it happens: the next generation of both effects, journaled before acting.
            foreach (var j in joiners)
            {
                await context.NextGenerationAsync(RollingRestart.Key("stop-joiner", j), $"joiner {jointLeader} leads", cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(joiners.Select(j => context.EffectAsync(RollingRestart.Key("stop-joiner", j), context.Agent(j.Agent),
                (operation, ct) => context.Agent(j.Agent).ControlServiceAsync(operation, "stop", ct), cancellationToken))).ConfigureAwait(false);
            await RollingRestart.WaitSyncedAsync(context, plan.Source, "the source to elect one of its own", cancellationToken).ConfigureAwait(false);
            foreach (var j in joiners)
            {
                await RollingRestart.RestartAsync(context, context.Agent(j.Agent), RollingRestart.Key("restart", j), running: false, cancellationToken).ConfigureAwait(false);
            }

            await RollingRestart.WaitSyncedAsync(context, voters, "the joiners to follow the source leader again", cancellationToken).ConfigureAwait(false);
        }

        observed = await ClusterQueries.ObserveAllAsync(context, voters, cancellationToken).ConfigureAwait(false);
        var final = ClusterQueries.SingleLeader(observed);
        if (final is null || plan.Joiners.Contains(final.Value))
        {
            throw new StepFailedException(Id, $"a source node must lead the joint ensemble before the cut; leader is {final?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        }

        context.Info($"joint ensemble of {voters.Count} voters led by source server {final}");
    }
}
