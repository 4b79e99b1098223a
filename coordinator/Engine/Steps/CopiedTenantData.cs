using ZkMitosis.Coordinator.Cleanup;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// After the split the destination holds a copy of every other tenant's data: it joined the source's ensemble and
/// synced its whole tree. Verify records the top subtrees outside the moved chroots, so the report can say they stay
/// there until <c>migrate prune-destination</c> removes them.
/// </summary>
internal static class CopiedTenantData
{
    /// <summary>The observation's key under <see cref="VerifyStep.StepId"/>: the list of top subtrees, sorted.</summary>
    public const string Key = "copied-data";

    public static async Task RecordAsync(StepContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> roots;
        try
        {
            roots = await context.Inspector.ReadExtraRootsAsync(context.Plan.Destination, CleanupScope.Of(context.Plan), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KeeperException or TimeoutException)
        {
            // The report then says nothing of copied data; the prune's dry run still counts it.
            context.Warning($"could not list the destination's subtrees outside the moved chroots: {e.Message}");
            return;
        }

        await context.ObserveAsync(Key, roots, cancellationToken).ConfigureAwait(false);
        if (roots.Count > 0)
        {
            context.Info($"the destination holds a copy of other tenants' data until pruned (migrate prune-destination): {string.Join(", ", roots)}");
        }
    }
}
