using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Journal;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// Runs a plan's steps in order against the journal: a step the journal shows completed is skipped, the step in
/// progress at a crash runs again (steps are idempotent and re-check the world), the rest follow.
/// </summary>
public sealed class MigrationEngine(MigrationServices services)
{
    private readonly MigrationServices _services = services;

    /// <summary>Runs (or resumes) the migration to its end. Throws the failing step's exception after journaling it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var plan = _services.Plan;
        var state = JournalState.From(_services.Journal.Records);
        EnsureSamePlan(state);
        if (state.Aborted || state.AbortStarted)
        {
            throw new JournalMismatchException($"plan {plan.PlanId} was aborted{(state.Aborted ? "" : " (abort did not finish: run abort again)")}; start a new plan id to migrate again");
        }

        if (state.Completed)
        {
            Publish(MigrationEventKind.Info, null, $"plan {plan.PlanId} already completed");
            return;
        }

        await StartProcessAsync(_services, cancellationToken).ConfigureAwait(false);
        try
        {
            await RunStepsAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _services.Mirrors.DisposeAsync().ConfigureAwait(false);
            await _services.Leases.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Journals the run's start (with a new stable run identity) if this is the first process of the run, then this
    /// process's start; sets <see cref="MigrationServices.RunId"/> from the journal.
    /// </summary>
    internal static async Task StartProcessAsync(MigrationServices services, CancellationToken cancellationToken)
    {
        var plan = services.Plan;
        if (!JournalState.From(services.Journal.Records).Started)
        {
            await services.Journal.AppendAsync(new JournalRecord
            {
                Type = JournalRecordTypes.RunStarted,
                Value = new JsonObject
                {
                    ["planId"] = plan.PlanId,
                    ["planSha256"] = plan.Sha256,
                    ["strategy"] = plan.Strategy.ToString().ToLowerInvariant(),
                    ["coordinator"] = CoordinatorInfo.Version,
                    ["runId"] = $"{plan.PlanId}.{Guid.NewGuid():N}",
                },
            }, cancellationToken).ConfigureAwait(false);
        }

        services.RunId = JournalState.From(services.Journal.Records).RunId!;
        await services.Journal.AppendAsync(new JournalRecord
        {
            Type = JournalRecordTypes.ProcessStarted,
            Value = new JsonObject { ["mode"] = services.Mode.ToString().ToLowerInvariant(), ["host"] = Environment.MachineName, ["pid"] = Environment.ProcessId },
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunStepsAsync(CancellationToken cancellationToken)
    {
        var plan = _services.Plan;
        JournalState state;
        foreach (var step in StepList.For(plan))
        {
            state = JournalState.From(_services.Journal.Records);
            if (state.IsCompleted(step.Id))
            {
                Publish(MigrationEventKind.StepSkipped, step.Id, $"{step.Title} (done)");
                continue;
            }

            var attempt = state.Attempts(step.Id) + 1;
            await _services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = step.Id, Attempt = attempt }, cancellationToken).ConfigureAwait(false);
            Publish(MigrationEventKind.StepStarted, step.Id, attempt > 1 ? $"{step.Title} (attempt {attempt})" : step.Title);
            try
            {
                if (step.NeedsEveryAgent)
                {
                    await AgentReachability.EnsureAsync(_services, step.Id, cancellationToken).ConfigureAwait(false);
                }

                // A resumed process holds the run's leases again (renewing them) before it changes anything.
                if (state.IsCompleted(Steps.LeaseStep.StepId) && !_services.Leases.Held)
                {
                    await _services.Leases.AcquireAsync(step.Id, cancellationToken).ConfigureAwait(false);
                }

                await step.ExecuteAsync(new StepContext(_services, step.Id, attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await _services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepFailed, Step = step.Id, Attempt = attempt, Message = e.Message }, CancellationToken.None).ConfigureAwait(false);
                Publish(MigrationEventKind.StepFailed, step.Id, e.Message);
                throw;
            }

            await _services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepCompleted, Step = step.Id, Attempt = attempt }, cancellationToken).ConfigureAwait(false);
            Publish(MigrationEventKind.StepCompleted, step.Id, step.Title);
        }

        await _services.Journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.Completed }, cancellationToken).ConfigureAwait(false);
    }

    private void EnsureSamePlan(JournalState state)
    {
        var plan = _services.Plan;
        if (state.PlanId is not null && state.PlanId != plan.PlanId)
        {
            throw new JournalMismatchException($"the journal belongs to plan {state.PlanId}, not {plan.PlanId}");
        }

        if (state.PlanSha256 is not null && plan.Sha256.Length > 0 && state.PlanSha256 != plan.Sha256)
        {
            throw new JournalMismatchException($"plan {plan.PlanId} changed since the run started (sha256 {state.PlanSha256[..12]}… → {plan.Sha256[..12]}…); resume needs the plan it started with");
        }
    }

    private void Publish(MigrationEventKind kind, string? step, string message) =>
        _services.Events.Publish(new MigrationEvent(_services.Time.GetUtcNow(), kind, step, message));
}
