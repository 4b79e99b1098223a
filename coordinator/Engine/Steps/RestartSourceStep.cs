using ZkMitosis.Coordinator.Config;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Participant strategy: the source goes back to its own members, highest id first, before the firewall is removed.</summary>
internal sealed class RestartSourceStep : MigrationStep
{
    public override string Id => "restart-source";

    public override string Title => "Restart the source with its own members only (highest id first), before the firewall is removed";

    public override IReadOnlyList<string> ChecksBefore => ["the destination has its own leader", "the cut holds"];

    public override IReadOnlyList<string> Actions => ["write the source-only zoo.cfg and restart each source node, highest id first"];

    public override IReadOnlyList<string> ChecksAfter => ["the source has one leader and every source node follows"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var members = MemberSets.SourceOnly(plan);
        foreach (var server in plan.Source.OrderByDescending(s => s.Id))
        {
            await RollingRestart.RewriteAndRestartAsync(context, server, members, cancellationToken).ConfigureAwait(false);
        }

        await RollingRestart.WaitSyncedAsync(context, plan.Source, "the source to elect its own leader", cancellationToken).ConfigureAwait(false);
    }
}
