using ZkMitosis.Coordinator.Config;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Observer strategy, step 2: every destination node joins the source as an observer and catches up.</summary>
internal sealed class JoinObserversStep : MigrationStep
{
    public override string Id => "join";

    public override string Title => "Join: destination nodes start as observers of the source and sync the whole tree";

    public override IReadOnlyList<string> ChecksBefore => ["destination stopped and empty (or already joined by an earlier attempt)"];

    public override IReadOnlyList<string> Actions =>
    [
        "write zoo.cfg on each destination node: source voters + destination observers, peerType=observer (the source's own files are not touched)",
        "write myid",
        "start ZooKeeper on each destination node, one at a time, each once the one before has caught up",
    ];

    public override IReadOnlyList<string> ChecksAfter => ["every destination node is an observer whose zxid reached the source leader's"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var members = MemberSets.ObserverJoin(plan);
        var security = await DestinationSecurity.ReadAsync(context.Agent, plan, cancellationToken).ConfigureAwait(false);
        // One at a time: the source leader streams a whole snapshot to each joining observer while serving its own
        // clients, so one sync at a time keeps the source's latency at one snapshot's worth (ZooKeeper's own
        // learner.maxConcurrentSnapSyncs exists for the same reason). It costs seconds, outside any window.
        foreach (var d in plan.Destination)
        {
            var agent = context.Agent(d.Agent);
            var status = await agent.GetZooKeeperStatusAsync(cancellationToken).ConfigureAwait(false);
            var config = await agent.ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
            var target = await DestinationSecurity.TargetAsync(agent, ZooConfig.WithMembers(config.Content, members, observer: true), security, cancellationToken).ConfigureAwait(false);
            if (!target.IsOn(config.Effective) && status.Running && !context.EffectDone(RollingRestart.Key("start", d)))
            {
                // Running with another config that is not ours (an operator's doing): stop it before rewriting.
                await context.EffectAsync(RollingRestart.Key("stop-foreign", d), agent, (operation, ct) => agent.ControlServiceAsync(operation, "stop", ct), cancellationToken).ConfigureAwait(false);
                status = status with { Running = false };
            }

            await context.EffectAsync(RollingRestart.Key("config", d), agent,
                (operation, ct) => target.WriteAsync(agent, operation, config.Sha256, ct), cancellationToken,
                needed: !target.IsOn(config.Effective),
                achieved: async ct => target.IsOn((await agent.ReadZooConfigAsync(ct).ConfigureAwait(false)).Effective)).ConfigureAwait(false);
            await context.EffectAsync(RollingRestart.Key("myid", d), agent, (operation, ct) => agent.WriteMyIdAsync(operation, d.Id, ct), cancellationToken).ConfigureAwait(false);
            if (!status.Running)
            {
                await RollingRestart.RestartAsync(context, agent, RollingRestart.Key("start", d), running: false, cancellationToken).ConfigureAwait(false);
                context.Info($"started as observer", d.ClientEndpoint);
            }

            await context.WaitUntilAsync($"{d.ClientEndpoint} to be an observer caught up with the source leader", plan.Timeouts.ServerStart + plan.Timeouts.CatchUp,
                ct => ClusterQueries.ObserversCaughtUpAsync(context, d, ct), cancellationToken).ConfigureAwait(false);
        }

        await context.WaitUntilAsync("every destination node to be an observer caught up with the source leader", plan.Timeouts.CatchUp,
            ct => ClusterQueries.ObserversCaughtUpAsync(context, null, ct), cancellationToken).ConfigureAwait(false);
        context.Info("destination observers caught up");
    }
}
