using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Cleanup;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Abort of a <c>strategy: copy</c> run stopped before its point of no return: the source was never written, the
/// tenants' connect strings still name it. Starts again every host the block stopped (decided from the record of the
/// stop, never from the host's state), waits for each tenant's health on the source, then removes what the copy
/// wrote on the destination: the moved chroot only, as the pre-copy found it (absent: removed; empty: its children
/// removed; merged: left as the copy left it, since what it held before is gone). Nothing else on the destination
/// is touched: no server is stopped and no data dir reset, unlike the joining strategies' abort.
/// </summary>
internal static class CopyAborter
{
    public static async Task UndoAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        foreach (var tenant in plan.MovedTenants)
        {
            foreach (var host in tenant.Hosts)
            {
                var agent = context.Agent(host.Agent);
                if (!await MayHaveHappenedAsync(context, BlockStep.StepId, BlockStep.StopKey(tenant, host), agent, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                await context.EffectAsync($"start:{tenant.Name}:{host.Agent}", agent, (operation, ct) => agent.ControlServiceAsync(operation, "start", ct), cancellationToken).ConfigureAwait(false);
                context.Info($"{tenant.Name}: {host.Label} started again on the source", host.Host);
            }
        }

        foreach (var tenant in plan.MovedTenants)
        {
            await WaitHealthyOnSourceAsync(context, tenant, cancellationToken).ConfigureAwait(false);
        }

        if (context.State.Attempts(PreCopyStep.StepId) > 0)
        {
            await RemoveCopyAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WaitHealthyOnSourceAsync(StepContext context, TenantSpec tenant, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        if (tenant.Preset == TenantPreset.Kafka)
        {
            var ids = tenant.Hosts.Select(h => h.Id ?? -1).ToList();
            await context.WaitUntilAsync($"{tenant.Name}: every broker registered on the source", plan.Timeouts.BrokerRegistration, async ct =>
            {
                var state = await context.Inspector.ReadKafkaStateAsync(plan.Source, tenant.Chroot, ct).ConfigureAwait(false);
                return ids.All(state.Brokers.ContainsKey);
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await context.WaitUntilAsync($"{tenant.Name}: {tenant.Health.Describe(tenant.Chroot)} on the source", plan.Timeouts.BrokerRegistration,
            async ct => await TenantHealthGate.CountAsync(context, tenant, plan.Source, ct).ConfigureAwait(false) >= tenant.Health.Count, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RemoveCopyAsync(StepContext context, CancellationToken cancellationToken)
    {
        await using var client = await CopyTrees.ConnectDestinationAsync(context.Plan, cancellationToken).ConfigureAwait(false);
        foreach (var chroot in CopyTrees.Chroots(context.Plan))
        {
            // Journaled before the copy wrote anything: no record means nothing was written.
            var before = context.Observed<string>(PreCopyStep.StepId, CopyTrees.BeforeKey(chroot));
            IReadOnlyList<string> roots = before switch
            {
                CopyTrees.Absent => [chroot],
                CopyTrees.Empty => await ChildrenAsync(client, chroot, cancellationToken).ConfigureAwait(false),
                _ => [],
            };
            if (before == CopyTrees.Merged)
            {
                context.Warning($"{chroot} held data on the destination before the copy (merge:): left as the copy left it");
            }

            if (roots.Count == 0)
            {
                continue;
            }

            var listing = await SubtreeListing.ReadAsync(client, roots, cancellationToken).ConfigureAwait(false);
            var deleted = await SubtreeDeleter.DeleteAsync(client, EnsembleAccess.Destination(context.Plan).Hosts(), listing, cancellationToken).ConfigureAwait(false);
            context.Info($"{chroot}: {deleted} znode(s) the copy wrote removed from the destination ({before} before the copy)");
        }
    }

    private static async Task<IReadOnlyList<string>> ChildrenAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            var children = await client.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
            return children.Children.Select(c => path + "/" + c).ToList();
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return [];
        }
    }

    /// <summary>Whether effect <paramref name="key"/> of <paramref name="step"/> happened or may have: journaled done, else known to the agent (done, running or interrupted) under any generation.</summary>
    private static async Task<bool> MayHaveHappenedAsync(StepContext context, string step, string key, IHostAgent agent, CancellationToken cancellationToken)
    {
        var state = context.State;
        if (state.Effect(step, key) is { Outcome: EffectRecord.Done })
        {
            return true;
        }

        for (var generation = state.Generation(step, key); generation >= 0; generation--)
        {
            var record = await agent.GetOperationAsync(OperationIds.For(context.Plan.PlanId, step, key, generation), cancellationToken).ConfigureAwait(false);
            if (record.Status is AgentOperationStatus.Done or AgentOperationStatus.Running or AgentOperationStatus.Interrupted)
            {
                return true;
            }
        }

        return false;
    }
}
