using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// Undoes a migration stopped before the point of no return: brokers back to the source, destination nodes
/// stopped with their original files and an empty data dir, any firewall rule removed, leases released.
/// Every action is idempotent, so an interrupted abort is finished by running abort again.
/// </summary>
public sealed class MigrationAborter(MigrationServices services)
{
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

        await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.AbortStarted }, cancellationToken).ConfigureAwait(false);
        var attempt = JournalState.From(services.Journal.Records).Attempts("abort") + 1;
        await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "abort", Attempt = attempt }, cancellationToken).ConfigureAwait(false);
        var context = new StepContext(services, "abort", attempt);

        // Brokers first: they must be back on the source before the destination observers go away.
        foreach (var broker in plan.Brokers)
        {
            var agent = context.Agent(broker.Agent);
            var connect = await agent.GetKafkaZooKeeperConnectAsync(cancellationToken).ConfigureAwait(false);
            if (ConnectStrings.SameEnsemble(connect, plan.SourceConnect))
            {
                continue;
            }

            await agent.SetKafkaZooKeeperConnectAsync(context.Operation("set-connect", broker.Host), plan.SourceConnect, cancellationToken).ConfigureAwait(false);
            await agent.ControlServiceAsync(context.Operation("restart", broker.Host), "restart", cancellationToken).ConfigureAwait(false);
            context.Info($"broker {broker.Id} back on the source", broker.Host);
            await context.WaitUntilAsync($"broker {broker.Id} registered on the source", plan.Timeouts.BrokerRegistration, async ct =>
            {
                var kafka = await context.Inspector.ReadKafkaStateAsync(plan.Source, plan.Chroot, ct).ConfigureAwait(false);
                return kafka.Brokers.ContainsKey(broker.Id);
            }, cancellationToken).ConfigureAwait(false);
        }

        var original = context.Observed<Dictionary<string, string>>(BaselineStep.StepId, "destination-configs");
        foreach (var d in plan.Destination)
        {
            var agent = context.Agent(d.Agent);
            await agent.ControlServiceAsync(context.Operation("stop", d.Host), "stop", cancellationToken).ConfigureAwait(false);
            await agent.HealAsync(context.Operation("heal", d.Host), cancellationToken).ConfigureAwait(false);
            if (original is not null && original.TryGetValue(d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), out var content))
            {
                var current = await agent.ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
                if (current.Content != content)
                {
                    await agent.WriteZooConfigAsync(context.Operation("restore-config", d.Host), content, current.Sha256, cancellationToken).ConfigureAwait(false);
                }
            }

            // The destination was empty at preflight: emptying it again is the undo.
            await agent.ResetDataDirAsync(context.Operation("reset-data", d.Host), cancellationToken).ConfigureAwait(false);
            context.Info("stopped, config restored, data dir emptied", d.ClientEndpoint);
        }

        if (plan.Strategy == MigrationStrategy.Participant)
        {
            await RestoreSourceAsync(context, cancellationToken).ConfigureAwait(false);
        }

        foreach (var address in plan.AgentAddresses)
        {
            try
            {
                await context.Agent(address).ReleaseLeaseAsync(context.Operation("release", address), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.Warning($"could not release the lease: {e.Message} (it expires by itself)", address);
            }
        }

        await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepCompleted, Step = "abort", Attempt = attempt }, cancellationToken).ConfigureAwait(false);
        await services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.Aborted }, cancellationToken).ConfigureAwait(false);
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
