using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Rewrites one server's members and restarts it, guarded so a rolling restart never outruns the ensemble.</summary>
internal static class RollingRestart
{
    /// <summary>Writes <paramref name="members"/> into <paramref name="server"/>'s zoo.cfg and restarts it if the file changed.</summary>
    public static async Task<bool> RewriteAndRestartAsync(StepContext context, ServerSpec server, IReadOnlyList<ZooConfigMember> members, CancellationToken cancellationToken)
    {
        var agent = context.Agent(server.Agent);
        var config = await agent.ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
        var target = ZooConfig.WithMembers(config.Content, members, observer: false);
        var status = await agent.GetZooKeeperStatusAsync(cancellationToken).ConfigureAwait(false);
        // On a first attempt a matching file is the operator's or an earlier step's: nothing to restart.
        var restartJournaled = context.Attempt == 1 || context.RestartWasJournaled(RestartedKey(server));
        if (config.Content == target && status.Running && restartJournaled)
        {
            return false;
        }

        if (config.Content != target)
        {
            await agent.WriteZooConfigAsync(context.Operation("write-config", server.Host), target, config.Sha256, cancellationToken).ConfigureAwait(false);
        }

        await agent.WriteMyIdAsync(context.Operation("write-myid", server.Host), server.Id, cancellationToken).ConfigureAwait(false);
        await context.RestartJournaledAsync(agent, server.Host, status.Running ? "restart" : "start", RestartedKey(server), cancellationToken).ConfigureAwait(false);
        context.Info($"restarted with {members.Count} members", server.ClientEndpoint);
        return true;
    }

    private static string RestartedKey(ServerSpec server) => $"restarted-{server.Id}";

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
