using System.Globalization;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Switch;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Step 3 with a <c>switch:</c> section: the brokers are switched and restarted in batches (by rack or by size),
/// each batch planned against the live cluster just before it starts. The order before every batch: Kafka whole
/// (every broker registered, every partition with a leader and a full ISR), the batch planned and safe (with all of
/// it down no partition below its <c>min.insync.replicas</c> or without a replica; else split, saying why), the
/// operator's approval (<c>--approve-each-batch</c>), then all of its brokers at once; after it, Kafka whole again.
/// Every broker's effects are those of its one-at-a-time step (<see cref="SwitchHostStep.StepIdFor(int)"/>), so abort
/// and resume read one record whatever the batches were, and a resume plans the brokers left afresh.
/// </summary>
internal sealed class SwitchBatchesStep(MigrationPlan plan) : MigrationStep
{
    public const string StepId = "switch-brokers";

    /// <summary>Observation: how many batches are done, so a resumed run goes on counting where it stopped.</summary>
    private const string BatchesDoneKey = "batches-done";

    private readonly SwitchSettings _settings = plan.Switch ?? throw new ArgumentException("the plan has no switch section", nameof(plan));

    public override string Id => StepId;

    public override string Title => $"Kafka switch in batches ({(_settings.Batching == SwitchBatching.Rack ? "by rack" : $"of {_settings.BatchSize.ToString(CultureInfo.InvariantCulture)}")}"
        + (_settings.MaxUnavailable is { } max ? $", at most {max.ToString(CultureInfo.InvariantCulture)} down" : "") + "): zookeeper.connect → destination, restart a batch at once, wait until Kafka is whole";

    public override IReadOnlyList<string> ChecksBefore =>
    [
        "before every batch: every broker registered (a restarted one under a new broker epoch), every partition with a leader and a full ISR",
        $"with the whole batch down, no partition below its min.insync.replicas (/config/topics, else {_settings.DefaultMinInsyncReplicas.ToString(CultureInfo.InvariantCulture)}) or without a replica: else the batch is split, saying why",
        "the operator approves the batch (with --approve-each-batch)",
    ];

    public override IReadOnlyList<string> Actions
    {
        get
        {
            // Offline (migrate plan): racks from the plan only; the run plans again against the live cluster.
            var batches = SwitchBatchPlanner.Plan(plan.Brokers, null, _settings);
            var lines = batches.Batches.Select(b => $"batch {b.Number.ToString(CultureInfo.InvariantCulture)} ({b.Group}): set zookeeper.connect of brokers {BatchSafety.Join(b.Brokers)} to the destination + chroot, restart them together").ToList();
            if (_settings.Batching == SwitchBatching.Rack && plan.Brokers.Any(b => b.Rack is null))
            {
                lines.Add("racks of brokers without a plan rack are read from their registration (/brokers/ids) at run time");
            }

            lines.Add(SwitchProjection.Describe(batches.Batches.Count, plan.Brokers.Count, _settings.BrokerRestart));
            return lines;
        }
    }

    public override IReadOnlyList<string> ChecksAfter => ["every broker of the batch registered again, under a broker epoch newer than before its restart", "no partition offline or under-replicated"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var remaining = plan.Brokers.Where(b => !BrokerContext(context, b).EffectDone(SwitchHostStep.RestartKey)).ToList();
        var number = plan.Brokers.Count == remaining.Count ? 0 : context.Observed<int>(StepId, BatchesDoneKey);
        SwitchBatchPlan? planned = null;
        var next = 0;
        var measured = false;
        while (remaining.Count > 0)
        {
            number++;
            var topology = await WaitReadyAsync(context, number, cancellationToken).ConfigureAwait(false);
            if (planned is null || next >= planned.Batches.Count)
            {
                (planned, next) = (SwitchBatchPlanner.Plan(remaining, topology, _settings), 0);
                context.Info($"planned against the live cluster: {SwitchProjection.Describe(planned.Batches.Count, remaining.Count, _settings.BrokerRestart)}");
            }
            else if (BatchSafety.Unsafe(planned.Batches[next].Brokers, topology, _settings.DefaultMinInsyncReplicas) is { } now)
            {
                // The cluster changed since the plan (a reassignment, a new topic): plan what is left again.
                context.Warning($"batch {N(number)} ({planned.Batches[next].Group}) is no longer safe: {now}; planning the {N(remaining.Count)} brokers left again");
                (planned, next) = (SwitchBatchPlanner.Plan(remaining, topology, _settings), 0);
            }

            var batch = planned.Batches[next++];
            var total = number + planned.Batches.Count - next;
            var label = $"batch {N(number)}/{N(total)} ({batch.Group}, brokers {BatchSafety.Join(batch.Brokers)})";
            context.Info($"{label}: safe with all of it down" + (batch.Split is null ? "" : $" ({batch.Split})"));
            if (batch.Warning is { } warning)
            {
                context.Warning(warning);
            }

            if (context.Services.BatchApproval is { } approval
                && !await approval.ConfirmAsync(plan.PlanId, $"{label}: restart together now?", cancellationToken).ConfigureAwait(false))
            {
                throw new StepFailedException(StepId, $"{label} not approved: nothing of it was changed; run resume to continue");
            }

            var started = context.Time.GetTimestamp();
            var brokers = batch.Brokers.Select(id => plan.Brokers.First(b => b.Id == id)).ToList();
            await Task.WhenAll(brokers.Select(b => SwitchHostStep.SwitchAsync(BrokerContext(context, b), b, topology.BrokerEpochs, cancellationToken))).ConfigureAwait(false);
            foreach (var broker in brokers)
            {
                context.Services.OnBrokerSwitched?.Invoke(broker.Id);
            }

            await WaitBackAsync(context, label, batch.Brokers, cancellationToken).ConfigureAwait(false);
            var took = context.Time.GetElapsedTime(started);
            await context.ObserveAsync(BatchesDoneKey, number, cancellationToken).ConfigureAwait(false);
            remaining.RemoveAll(b => batch.Brokers.Contains(b.Id));
            context.Info($"{label}: done in {SwitchProjection.Format(took)}");
            if (!measured && remaining.Count > 0)
            {
                measured = true;
                context.Info($"re-projected from batch {N(number)} as measured: {N(total - number)} batches left, about {SwitchProjection.Format(SwitchProjection.Reprojected(took, total - number))}");
            }
        }
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The broker's own step context: its effects keep the ids of a switch one at a time.</summary>
    private static StepContext BrokerContext(StepContext context, BrokerSpec broker) =>
        new(context.Services, SwitchHostStep.StepIdFor(broker.Id), context.Attempt);

    /// <summary>
    /// Waits (bounded by the broker registration timeout) until every broker of the batch is registered again under a
    /// new broker epoch and every partition is healthy; a timeout names what was still short.
    /// </summary>
    private async Task WaitBackAsync(StepContext context, string label, IReadOnlyList<int> batch, CancellationToken cancellationToken)
    {
        string? problem = null;
        var what = $"{label}: registered again and every partition healthy";
        try
        {
            await context.WaitUntilAsync(what, plan.Timeouts.BrokerRegistration, async ct =>
            {
                var state = await context.Inspector.ReadKafkaStateAsync(plan.Destination, plan.Chroot, ct).ConfigureAwait(false);
                problem = ClusterQueries.IsKafkaHealthy(state, plan.Brokers.Select(b => b.Id), out var unhealthy)
                    ? SwitchHostStep.NotBackYet(context, SwitchHostStep.Epochs(state), batch)
                    : unhealthy;
                return problem is null;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StepFailedException) when (problem is not null)
        {
            throw new StepFailedException(StepId, $"timed out after {plan.Timeouts.BrokerRegistration.TotalSeconds:0}s waiting for {what}; last seen: {problem}");
        }
    }

    /// <summary>Waits (bounded by the broker registration timeout) until Kafka is whole, and returns what it read.</summary>
    private async Task<KafkaTopology> WaitReadyAsync(StepContext context, int number, CancellationToken cancellationToken)
    {
        KafkaTopology? topology = null;
        string? problem = null;
        var what = $"batch {number.ToString(CultureInfo.InvariantCulture)}: every broker registered, every partition with a leader and a full ISR";
        try
        {
            await context.WaitUntilAsync(what, plan.Timeouts.BrokerRegistration, async ct =>
            {
                topology = await context.Inspector.ReadKafkaTopologyAsync(plan.Destination, plan.Chroot, ct).ConfigureAwait(false);
                // Restarted brokers count only under their new registration (also those of a run this one resumes).
                problem = BatchSafety.NotReady(topology, plan.Brokers.Select(b => b.Id))
                    ?? SwitchHostStep.NotBackYet(context, topology.BrokerEpochs, plan.Brokers.Select(b => b.Id));
                return problem is null;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StepFailedException) when (problem is not null)
        {
            // The gate's own reason beats "timed out": it names the partition or broker that kept Kafka short.
            throw new StepFailedException(StepId, $"timed out after {plan.Timeouts.BrokerRegistration.TotalSeconds:0}s waiting for {what}; last seen: {problem}");
        }

        context.Info($"batch {number.ToString(CultureInfo.InvariantCulture)}: gate passed, every broker registered and every partition with a leader and a full ISR");
        return topology!;
    }
}
