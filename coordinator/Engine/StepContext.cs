using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>Everything the engine hands to its steps.</summary>
public sealed class MigrationServices
{
    public required MigrationPlan Plan { get; init; }
    public required IMigrationJournal Journal { get; init; }
    public required IHostAgentFactory Agents { get; init; }
    public required IClusterInspector Inspector { get; init; }
    public IMigrationEvents Events { get; init; } = NoMigrationEvents.Instance;
    public IConfirmation Confirmation { get; init; } = new FixedConfirmation(false);
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where side files (snapshots, the report) are written; the journal lives here too.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Who holds the leases: host and pid of this coordinator.</summary>
    public string Holder { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Called when the Kafka switch moves a broker to the destination (for <c>--stress</c> to follow).</summary>
    public Action<int>? OnBrokerSwitched { get; init; }
}

/// <summary>One step's run: its attempt number, operation ids, observations and bounded waits.</summary>
public sealed class StepContext(MigrationServices services, string stepId, int attempt)
{
    public MigrationServices Services { get; } = services;
    public MigrationPlan Plan => Services.Plan;
    public string StepId { get; } = stepId;
    public int Attempt { get; } = attempt;
    public IClusterInspector Inspector => Services.Inspector;
    public TimeProvider Time => Services.Time;

    public IHostAgent Agent(string address) => Services.Agents.Get(address);

    /// <summary>
    /// The operation id of one action on one host in this attempt of this step. A retry of the same call in the
    /// same attempt repeats it, so the agent answers from its record; a new attempt (after resume) is a new operation.
    /// </summary>
    public OperationContext Operation(string action, string host) => new(Plan.PlanId, $"{Plan.PlanId}/{StepId}/{Attempt}/{action}/{host}");

    public JournalState State => JournalState.From(Services.Journal.Records);

    public void Info(string message, string? host = null) =>
        Services.Events.Publish(new MigrationEvent(Time.GetUtcNow(), MigrationEventKind.Info, StepId, message, host));

    public void Warning(string message, string? host = null) =>
        Services.Events.Publish(new MigrationEvent(Time.GetUtcNow(), MigrationEventKind.Warning, StepId, message, host));

    public void NodeState(string host, string? mode, long zxid) =>
        Services.Events.Publish(new MigrationEvent(Time.GetUtcNow(), MigrationEventKind.NodeState, StepId, mode ?? "down", host, mode, zxid));

    public Task ObserveAsync<T>(string key, T value, CancellationToken cancellationToken) =>
        Services.Journal.AppendAsync(new JournalRecord
        {
            Type = JournalRecordTypes.Observation,
            Step = StepId,
            Key = key,
            Value = JsonSerializer.SerializeToNode(value, JournalJson.Options),
        }, cancellationToken);

    /// <summary>The latest value recorded under <paramref name="step"/>/<paramref name="key"/> (any attempt), or default.</summary>
    public T? Observed<T>(string step, string key)
    {
        var node = State.Observation(step, key);
        return node is null ? default : node.Deserialize<T>(JournalJson.Options);
    }

    /// <summary>
    /// Whether this step journaled the restart named <paramref name="key"/> (<see cref="RestartJournaledAsync"/>). A
    /// config file already as wanted proves only its write: a coordinator killed before the restart completed
    /// leaves the service stopped (the agent abandons a call whose caller is gone) or running with the old file
    /// loaded, so a resumed step restarts unless this says the restart was done.
    /// </summary>
    public bool RestartWasJournaled(string key) => Observed<bool>(StepId, key);

    /// <summary>Has <paramref name="agent"/> do <paramref name="action"/> (restart or start) and journals it under <paramref name="key"/>.</summary>
    public async Task RestartJournaledAsync(IHostAgent agent, string host, string action, string key, CancellationToken cancellationToken)
    {
        await agent.ControlServiceAsync(Operation("restart", host), action, cancellationToken).ConfigureAwait(false);
        await ObserveAsync(key, true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Polls <paramref name="condition"/> every plan poll interval until true, or throws naming <paramref name="what"/>.</summary>
    public async Task WaitUntilAsync(string what, TimeSpan timeout, Func<CancellationToken, Task<bool>> condition, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        Exception? last = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (await condition(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                last = null;
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not UnsafeElectionException)
            {
                last = e;
            }

            if (Time.GetElapsedTime(started) > timeout)
            {
                throw new StepFailedException(StepId, $"timed out after {timeout.TotalSeconds:0}s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"), last);
            }

            await Task.Delay(Plan.Intervals.Poll, Time, cancellationToken).ConfigureAwait(false);
        }
    }

    public string SideFile(string name) => Path.Combine(Services.StateDirectory, name);

    /// <summary>Serializes to JSON for a side file.</summary>
    public static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, JournalJson.Options);
}
