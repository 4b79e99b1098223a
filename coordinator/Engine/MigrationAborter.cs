using System.Globalization;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// Undoes a migration stopped before the point of no return: every moved tenant's hosts back to the source (<see cref="TenantHostUndo"/>), destination nodes
/// stopped with their original files and an empty data dir, any firewall rule removed, leases released. Each undo
/// is decided from the record of what was done (the journal, else the agent's record of the operation id), never
/// from a file's content, and every undo is itself an effect: an interrupted abort, run again, finishes right.
/// </summary>
public sealed class MigrationAborter(MigrationServices services)
{
    public const string StepId = "abort";

    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        var plan = services.Plan;
        var state = JournalState.From(services.Journal.Records);
        if (state.Aborted)
        {
            return;
        }

        if (state.IsConfirmed(PointOfNoReturnStep.StepId) || state.IsCompleted(PointOfNoReturnStep.StepId) || state.Attempts(CutStep.StepId) > 0)
        {
            throw new InvalidOperationException($"plan {plan.PlanId} is past the point of no return: abort cannot undo it; run resume to finish the migration");
        }

        if (state.Completed)
        {
            throw new InvalidOperationException($"plan {plan.PlanId} already completed");
        }

        await MigrationEngine.StartProcessAsync(services, cancellationToken).ConfigureAwait(false);
        await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.AbortStarted }, cancellationToken).ConfigureAwait(false);
        var attempt = JournalState.From(services.Journal.Records).Attempts(StepId) + 1;
        await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = StepId, Attempt = attempt }, cancellationToken).ConfigureAwait(false);
        var context = new StepContext(services, StepId, attempt);
        try
        {
            await services.Leases.AcquireAsync(StepId, cancellationToken).ConfigureAwait(false);

            if (plan.Strategy == MigrationStrategy.Copy)
            {
                await CopyAborter.UndoAsync(context, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await UndoJoinAsync(context, cancellationToken).ConfigureAwait(false);
            }

            await services.Leases.ReleaseAsync((address, message) => context.Warning(message, address), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepFailed, Step = StepId, Attempt = attempt, Message = e.Message }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await services.Leases.DisposeAsync().ConfigureAwait(false);
        }

        await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepCompleted, Step = StepId, Attempt = attempt }, cancellationToken).ConfigureAwait(false);
        await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.Aborted }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The joining strategies' undo: every moved tenant's hosts back to the source, destination nodes stopped and emptied, the source's members restored.</summary>
    private static async Task UndoJoinAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;

        // Every moved tenant's hosts first, in plan order: they must be back on the source before the destination
        // observers go away.
        foreach (var tenant in plan.MovedTenants)
        {
            foreach (var host in tenant.Hosts)
            {
                await TenantHostUndo.UndoAsync(context, tenant, host, cancellationToken).ConfigureAwait(false);
            }
        }

        // Names resolved once, not on every poll.
        var tenantHosts = await HostAddresses.TenantClientHostsAsync(context, cancellationToken).ConfigureAwait(false);
        await context.WaitUntilAsync("no tenant session left on a destination node", plan.Timeouts.BrokerRegistration,
            ct => TenantHostUndo.NoneOnDestinationAsync(context, tenantHosts, ct), cancellationToken).ConfigureAwait(false);

        var original = context.Observed<Dictionary<string, string>>(BaselineStep.StepId, "destination-configs");
        foreach (var d in plan.Destination)
        {
            await UndoDestinationAsync(context, d, original, cancellationToken).ConfigureAwait(false);
        }

        if (plan.Strategy == MigrationStrategy.Participant)
        {
            await RestoreSourceAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task UndoDestinationAsync(StepContext context, ServerSpec d, Dictionary<string, string>? original, CancellationToken cancellationToken)
    {
        var agent = context.Agent(d.Agent);
        await context.EffectAsync(RollingRestart.Key("stop", d), agent, (operation, ct) => agent.ControlServiceAsync(operation, "stop", ct), cancellationToken).ConfigureAwait(false);
        await context.EffectAsync(RollingRestart.Key("heal", d), agent, (operation, ct) => agent.HealAsync(operation, ct), cancellationToken).ConfigureAwait(false);
        if (original is not null && original.TryGetValue(d.Id.ToString(CultureInfo.InvariantCulture), out var content))
        {
            var current = await agent.ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
            await context.EffectAsync(RollingRestart.Key("restore-config", d), agent,
                (operation, ct) => agent.WriteZooConfigAsync(operation, content, current.Sha256, ct), cancellationToken,
                needed: current.Effective != content,
                achieved: async ct => (await agent.ReadZooConfigAsync(ct).ConfigureAwait(false)).Effective == content).ConfigureAwait(false);
        }

        // The destination was empty at preflight: emptying it again is the undo.
        await context.EffectAsync(RollingRestart.Key("reset-data", d), agent, (operation, ct) => agent.ResetDataDirAsync(operation, ct), cancellationToken).ConfigureAwait(false);
        context.Info("stopped, config restored, data dir emptied", d.ClientEndpoint);
    }

    private static async Task RestoreSourceAsync(StepContext context, CancellationToken cancellationToken)
    {
        // The joint view named joiners that are now stopped: the source goes back to its own members, one at a time.
        var members = MemberSets.SourceOnly(context.Plan);
        foreach (var server in context.Plan.Source.OrderByDescending(s => s.Id))
        {
            await RollingRestart.RewriteAndRestartAsync(context, server, members, cancellationToken).ConfigureAwait(false);
            await RollingRestart.WaitSyncedAsync(context, context.Plan.Source, "the source synced", cancellationToken).ConfigureAwait(false);
        }
    }
}
