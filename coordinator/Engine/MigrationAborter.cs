using System.Globalization;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// Undoes a migration stopped before the point of no return: brokers back to the source, destination nodes
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

    /// <summary>The joining strategies' undo: brokers back to the source, destination nodes stopped and emptied, the source's members restored.</summary>
    private static async Task UndoJoinAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;

        // Brokers first: they must be back on the source before the destination observers go away.
        foreach (var broker in plan.Brokers)
        {
            await UndoBrokerAsync(context, broker, cancellationToken).ConfigureAwait(false);
        }

        await context.WaitUntilAsync("no Kafka session left on a destination node", plan.Timeouts.BrokerRegistration,
            ct => NoKafkaOnDestinationAsync(context, ct), cancellationToken).ConfigureAwait(false);

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

    /// <summary>
    /// Moves <paramref name="broker"/> back if the run switched it (journal or agent record), and restarts it after its
    /// file is restored, once: the restart is its own effect, so an abort killed between the write and the restart
    /// restarts it when run again, although the file already names the source.
    /// </summary>
    private static async Task UndoBrokerAsync(StepContext context, BrokerSpec broker, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var agent = context.Agent(broker.Agent);
        if (!await SwitchedAsync(context, broker, agent, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var id = broker.Id.ToString(CultureInfo.InvariantCulture);
        var current = await agent.GetKafkaZooKeeperConnectAsync(cancellationToken).ConfigureAwait(false);
        await context.EffectAsync($"restore-connect:broker-{id}", agent,
            (operation, ct) => agent.SetKafkaZooKeeperConnectAsync(operation, plan.SourceConnect, ct), cancellationToken,
            needed: !ConnectStrings.SameEnsemble(current, plan.SourceConnect),
            achieved: async ct => ConnectStrings.SameEnsemble(await agent.GetKafkaZooKeeperConnectAsync(ct).ConfigureAwait(false), plan.SourceConnect)).ConfigureAwait(false);
        await context.EffectAsync($"restart:broker-{id}", agent, (operation, ct) => agent.ControlServiceAsync(operation, "restart", ct), cancellationToken).ConfigureAwait(false);
        context.Info($"broker {broker.Id} back on the source", broker.Host);
        await context.WaitUntilAsync($"broker {broker.Id} registered on the source", plan.Timeouts.BrokerRegistration, async ct =>
        {
            var kafka = await context.Inspector.ReadKafkaStateAsync(plan.Source, plan.Chroot, ct).ConfigureAwait(false);
            return kafka.Brokers.ContainsKey(broker.Id);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the run's switch of <paramref name="broker"/> happened or may have: journaled done, else known to its agent (done, running or interrupted).</summary>
    private static async Task<bool> SwitchedAsync(StepContext context, BrokerSpec broker, IHostAgent agent, CancellationToken cancellationToken)
    {
        var step = SwitchHostStep.StepIdFor(broker.Id);
        var state = context.State;
        if (state.Effect(step, SwitchHostStep.ConnectKey) is { Outcome: EffectRecord.Done })
        {
            return true;
        }

        for (var generation = state.Generation(step, SwitchHostStep.ConnectKey); generation >= 0; generation--)
        {
            var operationId = OperationIds.For(context.Plan.PlanId, step, SwitchHostStep.ConnectKey, generation);
            var record = await agent.GetOperationAsync(operationId, cancellationToken).ConfigureAwait(false);
            if (record.Status is AgentOperationStatus.Done or AgentOperationStatus.Running or AgentOperationStatus.Interrupted)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<bool> NoKafkaOnDestinationAsync(StepContext context, CancellationToken cancellationToken)
    {
        var brokerHosts = context.Plan.Brokers.Select(b => HostEndpoint.CanonicalHost(b.Host)).ToHashSet(StringComparer.Ordinal);
        foreach (var d in context.Plan.Destination)
        {
            var status = await context.Agent(d.Agent).GetZooKeeperStatusAsync(cancellationToken).ConfigureAwait(false);
            var kafka = status.ClientAddresses.Where(a => brokerHosts.Contains(ConnectStrings.HostOfClientAddress(a))).ToList();
            if (kafka.Count > 0)
            {
                context.Info($"destination server {d.Id} still has Kafka connections: {string.Join(", ", kafka)}", d.ClientEndpoint);
                return false;
            }
        }

        return true;
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
                needed: current.Content != content,
                achieved: async ct => (await agent.ReadZooConfigAsync(ct).ConfigureAwait(false)).Content == content).ConfigureAwait(false);
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
