using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Rewrites one server's members and restarts it, guarded so a rolling restart never outruns the ensemble.</summary>
internal static class RollingRestart
{
    /// <summary>
    /// Writes <paramref name="members"/> into <paramref name="server"/>'s zoo.cfg and restarts it if this run wrote
    /// the file (the effect is in the journal or the agent's record, whoever wrote it), or starts it if it is down.
    /// A file already as wanted with no record of our write is the operator's or an earlier step's: nothing to do.
    /// <paramref name="sourceSecurity"/>: the source's security settings, for a destination node (<see cref="DestinationSecurity"/>).
    /// </summary>
    public static async Task<bool> RewriteAndRestartAsync(
        StepContext context, ServerSpec server, IReadOnlyList<ZooKeeperServerSpec> members, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? sourceSecurity = null)
    {
        var agent = context.Agent(server.Agent);
        var config = await agent.ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
        var target = await DestinationSecurity.TargetAsync(agent, ZooConfig.WithMembers(config.Content, members, observer: false), sourceSecurity ?? new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
        var wrote = await context.EffectAsync(Key("config", server), agent,
            (operation, ct) => target.WriteAsync(agent, operation, config.Sha256, ct), cancellationToken,
            needed: !target.IsOn(config.Effective),
            achieved: async ct => target.IsOn((await agent.ReadZooConfigAsync(ct).ConfigureAwait(false)).Effective)).ConfigureAwait(false);
        var status = await agent.GetZooKeeperStatusAsync(cancellationToken).ConfigureAwait(false);
        if (!wrote && status.Running)
        {
            return false;
        }

        await context.EffectAsync(Key("myid", server), agent, (operation, ct) => agent.WriteMyIdAsync(operation, server.Id, ct), cancellationToken).ConfigureAwait(false);
        await RestartAsync(context, agent, Key("restart", server), status.Running, cancellationToken).ConfigureAwait(false);
        context.Info($"restarted with {members.Count} members", server.ClientEndpoint);
        return true;
    }

    /// <summary>
    /// The effect <paramref name="key"/>: restart the service (start it when it is not <paramref name="running"/>). A
    /// restart already done but a service down again (stopped since) is a true redo: the next generation.
    /// </summary>
    public static async Task RestartAsync(StepContext context, IHostAgent agent, string key, bool running, CancellationToken cancellationToken)
    {
        if (!running && context.EffectDone(key))
        {
            await context.NextGenerationAsync(key, "the service is down again since its restart", cancellationToken).ConfigureAwait(false);
        }

        await context.EffectAsync(key, agent, (operation, ct) => agent.ControlServiceAsync(operation, running ? "restart" : "start", ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An effect key for one server: <c>action:server-id</c>.</summary>
    public static string Key(string action, ServerSpec server) => $"{action}:{server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Waits until <paramref name="servers"/> have one leader and everyone else follows with the leader's zxid or more.</summary>
    public static Task WaitSyncedAsync(StepContext context, IReadOnlyList<ServerSpec> servers, string what, CancellationToken cancellationToken) =>
        context.WaitUntilAsync(what, context.Plan.Timeouts.ServerStart + context.Plan.Timeouts.CatchUp, async ct =>
        {
            var observed = await ClusterQueries.ObserveAllAsync(context, servers, ct).ConfigureAwait(false);
            if (ClusterQueries.SingleLeader(observed) is not { } leader)
            {
                return false;
            }

            var leaderZxid = observed[leader].Zxid;
            return observed.Where(o => o.Key != leader).All(o => o.Value.Mode == "follower" && o.Value.Zxid >= leaderZxid);
        }, cancellationToken);
}
