using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>Why a coordinator process drives a plan.</summary>
public enum CoordinatorMode
{
    /// <summary><c>migrate run</c>: never takes another holder's lease.</summary>
    Run,

    /// <summary><c>migrate resume</c>: continues the journaled run and takes its leases over.</summary>
    Resume,

    /// <summary><c>migrate abort</c>: undoes the journaled run and takes its leases over.</summary>
    Abort,
}

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

    /// <summary>
    /// The run's stable identity (its run-started record's <c>runId</c>): the lease holder and the fencing token every
    /// mutation carries. Set by the engine from the journal; every process of one run presents the same.
    /// </summary>
    public string RunId { get; set; } = "";

    /// <summary>Why this process drives the plan; journaled with each process start.</summary>
    public CoordinatorMode Mode { get; init; } = CoordinatorMode.Run;

    /// <summary>
    /// Whether this process may take the plan's leases over from another holder: only an explicit
    /// <c>migrate resume</c> or <c>migrate abort</c> of the plan; a fresh <c>run</c> never does.
    /// </summary>
    public bool TakeOverLeases => Mode != CoordinatorMode.Run;

    /// <summary>This run's leases (taken by the lease step, or at the start of a resume or abort).</summary>
    public LeaseKeeper Leases => _leases ??= new LeaseKeeper(this);

    private LeaseKeeper? _leases;

    /// <summary>Asked before each batch of a batched Kafka switch (<c>--approve-each-batch</c>); null: batches follow each other without a pause.</summary>
    public IConfirmation? BatchApproval { get; init; }

    /// <summary>Called when the Kafka switch moves a broker to the destination (for <c>--stress</c> to follow).</summary>
    public Action<int>? OnBrokerSwitched { get; init; }

    /// <summary>How the coordinator resolves a plan's host names (the system resolver: /etc/hosts, then DNS); see <see cref="HostAddresses"/>.</summary>
    public Func<string, CancellationToken, Task<System.Net.IPAddress[]>> ResolveHost { get; init; } = System.Net.Dns.GetHostAddressesAsync;
    /// <summary>Strategy copy's live mirrors in this process (disposed by the engine when the process's run ends).</summary>
    internal Steps.CopyMirrors Mirrors { get; } = new();

    /// <summary>
    /// Strategy copy: each chroot's tree as the pre-copy read it from a source data dir, by chroot, kept in this process
    /// for the mirror's catch-up (it then reads a source ACL only where the znode changed since). A resumed run has
    /// none: its mirror reads every ACL.
    /// </summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, Copy.ChrootSnapshot> PreCopySnapshots { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Strategy copy: each chroot's source tree read from a learner's data dir at or past the block's zxid, started by
    /// the drain (the chroot no longer changes once its tenants are stopped) and taken by the verify, by chroot; a
    /// read that could not be done yields null. A resumed run has none: the verify reads then.
    /// </summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, Task<Copy.ChrootSnapshot?>> BlockSourceReads { get; } = new(StringComparer.Ordinal);
}

/// <summary>One step's run: its effects (<see cref="EffectAsync{T}"/>), observations and bounded waits.</summary>
public sealed partial class StepContext(MigrationServices services, string stepId, int attempt)
{
    public MigrationServices Services { get; } = services;
    public MigrationPlan Plan => Services.Plan;
    public string StepId { get; } = stepId;

    /// <summary>How often the step has been started (for the timeline only: operation ids never carry it).</summary>
    public int Attempt { get; } = attempt;

    public IClusterInspector Inspector => Services.Inspector;
    public TimeProvider Time => Services.Time;

    public IHostAgent Agent(string address) => Services.Agents.Get(address);

    /// <summary>The context of a lease call (acquire, renew, release): the plan and this run's identity.</summary>
    public OperationContext LeaseOperation => new(Plan.PlanId, $"{Plan.PlanId}/lease", Services.RunId);

    public JournalState State => JournalState.From(Services.Journal.Records);

    public void Info(string message, string? host = null) =>
        Services.Events.Publish(new MigrationEvent(Time.GetUtcNow(), MigrationEventKind.Info, StepId, message, host));

    public void Warning(string message, string? host = null) =>
        Services.Events.Publish(new MigrationEvent(Time.GetUtcNow(), MigrationEventKind.Warning, StepId, message, host));

    public void NodeState(string host, string? mode, long zxid, int? sessions = null) =>
        Services.Events.Publish(new MigrationEvent(Time.GetUtcNow(), MigrationEventKind.NodeState, StepId, mode ?? "down", host, mode, zxid, sessions));

    public Task ObserveAsync<T>(string key, T value, CancellationToken cancellationToken) =>
        AppendStepRecordAsync(JournalRecordTypes.Observation, key, JsonSerializer.SerializeToNode(value, JournalJson.Options), cancellationToken);

    // The one way a step journals a record of its own, keyed within the step (observations, effects, generations).
    private Task AppendStepRecordAsync(string type, string key, JsonNode? value, CancellationToken cancellationToken, string? message = null) =>
        Services.Journal.AppendAsync(new JournalRecord { Type = type, Step = StepId, Key = key, Value = value, Message = message }, cancellationToken);

    /// <summary>The latest value recorded under <paramref name="step"/>/<paramref name="key"/> (any attempt), or default.</summary>
    public T? Observed<T>(string step, string key)
    {
        var node = State.Observation(step, key);
        return node is null ? default : node.Deserialize<T>(JournalJson.Options);
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
