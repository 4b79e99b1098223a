using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Journal;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>What <see cref="StepContext.EffectAsync{T}"/> learnt of an effect.</summary>
/// <param name="Happened">True when the effect was caused by this run (now or by an earlier process); false when the pre-condition said it was not needed and no record of it exists.</param>
/// <param name="Result">The effect's typed result, when known (null when proved by a post-condition after an interruption).</param>
public readonly record struct EffectOutcome<T>(bool Happened, T? Result);

/// <summary>The coordinator's one way to cause an effect on a host (docs/resume.md).</summary>
public sealed partial class StepContext
{
    /// <summary>The operation id of effect <paramref name="key"/> of this step in <paramref name="generation"/>: <c>plan/step/key[/generation]</c>, each part in the agent's alphabet (<see cref="OperationIds"/>).</summary>
    public string OperationId(string key, int generation) => OperationIds.For(Plan.PlanId, StepId, key, generation);

    /// <summary>
    /// Causes effect <paramref name="key"/> of this step on <paramref name="agent"/> exactly once across crashes and
    /// resumes: (a) a result in the journal means done: it is returned; (b) else the agent's record of the
    /// operation id answers: done (journaled and returned), running (waited for), failed (journaled and thrown),
    /// interrupted by an agent restart (<paramref name="achieved"/> re-checks the world; if not achieved, the next
    /// generation acts again); (c) no record anywhere: act (when <paramref name="needed"/>), then (d) journal the
    /// typed result. A failure journaled by an earlier attempt is acted again under the next generation.
    /// </summary>
    /// <param name="key">The effect's name within the step, e.g. <c>restart:zk4</c> (no '/').</param>
    /// <param name="agent">The host's agent.</param>
    /// <param name="act">The mutating call, given the operation context to send.</param>
    /// <param name="cancellationToken">Cancels the wait, not the agent's action (the agent finishes what it accepted).</param>
    /// <param name="needed">The step's pre-condition: false when the world already is as wanted, so nothing is done unless a record says it was.</param>
    /// <param name="achieved">The step's post-condition, asked after an interruption; null: an interrupted effect is always done again.</param>
    /// <param name="fromRecord">Reads the typed result from the agent's recorded response (proto3 JSON); null: the result is unknown (default).</param>
    /// <exception cref="StepFailedException">The agent recorded the effect as failed, or refused it.</exception>
    public async Task<EffectOutcome<T>> EffectAsync<T>(
        string key, IHostAgent agent, Func<OperationContext, CancellationToken, Task<T>> act, CancellationToken cancellationToken,
        bool needed = true, Func<CancellationToken, Task<bool>>? achieved = null, Func<string?, T?>? fromRecord = null)
    {
        if (key.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"effect key '{key}' must not contain '/': it would read as a generation", nameof(key));
        }

        var state = State;
        var generation = state.Generation(StepId, key);
        if (state.Effect(StepId, key) is { } journaled && journaled.Generation == generation)
        {
            if (journaled.Outcome == EffectRecord.Done)
            {
                return new(true, journaled.Result is null ? default : journaled.Result.Deserialize<T>(JournalJson.Options));
            }

            // Failed in an earlier attempt, which surfaced it; this attempt (after the operator's fix) acts anew.
            generation = await NextGenerationAsync(key, $"generation {generation} failed: {journaled.Error}", cancellationToken).ConfigureAwait(false);
        }

        var askRecord = true;
        while (true)
        {
            var operation = new OperationContext(Plan.PlanId, OperationId(key, generation), Services.RunId);
            var record = askRecord ? await WaitWhileRunningAsync(agent, operation.OperationId, cancellationToken).ConfigureAwait(false) : new AgentOperation(AgentOperationStatus.NotFound);
            switch (record.Status)
            {
                case AgentOperationStatus.Done:
                    {
                        var result = fromRecord is null ? default : fromRecord(record.ResponseJson);
                        await JournalEffectAsync(key, new EffectRecord(generation, operation.OperationId, EffectRecord.Done, ToNode(result), null, "agent-record"), cancellationToken).ConfigureAwait(false);
                        return new(true, result);
                    }

                case AgentOperationStatus.Failed:
                    await JournalEffectAsync(key, new EffectRecord(generation, operation.OperationId, EffectRecord.Failed, null, record.Error, "agent-record"), cancellationToken).ConfigureAwait(false);
                    throw new StepFailedException(StepId, $"{key} ({operation.OperationId}) failed on {agent.Address}: {record.Error}");
                case AgentOperationStatus.Interrupted:
                    if (achieved is not null && await achieved(cancellationToken).ConfigureAwait(false))
                    {
                        await JournalEffectAsync(key, new EffectRecord(generation, operation.OperationId, EffectRecord.Done, null, null, "post-condition"), cancellationToken).ConfigureAwait(false);
                        return new(true, default);
                    }

                    generation = await NextGenerationAsync(key, $"{operation.OperationId} was interrupted by an agent restart ({record.Error ?? "effect unknown"}) and the world does not show it", cancellationToken).ConfigureAwait(false);
                    askRecord = false;
                    continue;
                case AgentOperationStatus.NotFound when !needed && generation == 0:
                    return new(false, default);
            }

            T value;
            try
            {
                value = await act(operation, cancellationToken).ConfigureAwait(false);
            }
            catch (AgentCallException e) when (e.Interrupted)
            {
                // The agent restarted while it ran our call: its record now says interrupted; decide from the world.
                askRecord = true;
                continue;
            }
            catch (AgentCallException e) when (e.Answered)
            {
                await JournalEffectAsync(key, new EffectRecord(generation, operation.OperationId, EffectRecord.Failed, null, e.Message, "call"), CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            await JournalEffectAsync(key, new EffectRecord(generation, operation.OperationId, EffectRecord.Done, ToNode(value), null, "call"), cancellationToken).ConfigureAwait(false);
            return new(true, value);
        }
    }

    /// <summary><see cref="EffectAsync{T}"/> for an effect without a result.</summary>
    public async Task<bool> EffectAsync(
        string key, IHostAgent agent, Func<OperationContext, CancellationToken, Task> act, CancellationToken cancellationToken,
        bool needed = true, Func<CancellationToken, Task<bool>>? achieved = null)
    {
        var outcome = await EffectAsync<JsonNode?>(key, agent, async (operation, ct) =>
        {
            await act(operation, ct).ConfigureAwait(false);
            return null;
        }, cancellationToken, needed, achieved).ConfigureAwait(false);
        return outcome.Happened;
    }

    /// <summary>Whether this step journaled effect <paramref name="key"/> as done in its current generation.</summary>
    public bool EffectDone(string key) =>
        State is var state && state.Effect(StepId, key) is { Outcome: EffectRecord.Done } effect && effect.Generation == state.Generation(StepId, key);

    /// <summary>
    /// Journals the next generation of effect <paramref name="key"/>: the step must truly do it again (a new
    /// operation id the agent has never seen), e.g. a node stopped again because the election it took part in did not finish.
    /// </summary>
    public async Task<int> NextGenerationAsync(string key, string reason, CancellationToken cancellationToken)
    {
        var next = State.Generation(StepId, key) + 1;
        await AppendStepRecordAsync(JournalRecordTypes.EffectGeneration, key, new JsonObject { ["generation"] = next }, cancellationToken, reason).ConfigureAwait(false);
        return next;
    }

    private Task JournalEffectAsync(string key, EffectRecord effect, CancellationToken cancellationToken) =>
        AppendStepRecordAsync(JournalRecordTypes.Effect, key, JsonSerializer.SerializeToNode(effect, JournalJson.Options), cancellationToken);

    /// <summary>Asks the agent's record; while the operation runs there, waits (bounded by the longest agent action) and asks again.</summary>
    private async Task<AgentOperation> WaitWhileRunningAsync(IHostAgent agent, string operationId, CancellationToken cancellationToken)
    {
        var bound = Plan.Timeouts.ServerStart + Plan.Timeouts.AgentCall;
        var started = Time.GetTimestamp();
        while (true)
        {
            var record = await agent.GetOperationAsync(operationId, cancellationToken).ConfigureAwait(false);
            if (record.Status != AgentOperationStatus.Running)
            {
                return record;
            }

            if (Time.GetElapsedTime(started) > bound)
            {
                throw new StepFailedException(StepId, $"{operationId} still runs on {agent.Address} after {bound.TotalSeconds:0} s");
            }

            await Task.Delay(Plan.Intervals.Poll, Time, cancellationToken).ConfigureAwait(false);
        }
    }
}
