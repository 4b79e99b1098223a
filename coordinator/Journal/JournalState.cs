using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZkMitosis.Coordinator.Journal;

/// <summary>
/// What the journal says happened, folded from its records: which steps completed, how often each was
/// started, the observations recorded, whether the point of no return was passed.
/// </summary>
public sealed class JournalState
{
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _completed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode?> _observations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _confirmed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EffectRecord> _effects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _generations = new(StringComparer.Ordinal);
    private readonly List<CoordinatorProcess> _processes = [];
    private DateTimeOffset? _lastRecordAt;
    private string? _lastType;

    public string? PlanId { get; private set; }

    public string? PlanSha256 { get; private set; }

    /// <summary>
    /// The run's stable identity from its run-started record: the lease holder of every coordinator process that
    /// works on this run (run, resume, abort), so a resumed process holds the leases the first one took.
    /// </summary>
    public string? RunId { get; private set; }

    /// <summary>Every coordinator process that took the run up, in order, with the time the coordinator was down before it.</summary>
    public IReadOnlyList<CoordinatorProcess> Processes => _processes;

    public bool Started { get; private set; }

    public bool Completed { get; private set; }

    public bool Aborted { get; private set; }

    public bool AbortStarted { get; private set; }

    /// <summary>The step started last and not completed (a crash or failure happened in it), or null.</summary>
    public string? InProgressStep { get; private set; }

    public string? LastFailure { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public IReadOnlyCollection<string> CompletedSteps => _completed;

    public static JournalState From(IEnumerable<JournalRecord> records)
    {
        var state = new JournalState();
        foreach (var record in records)
        {
            state.Apply(record);
        }

        return state;
    }

    public bool IsCompleted(string step) => _completed.Contains(step);

    public bool IsConfirmed(string step) => _confirmed.Contains(step);

    public int Attempts(string step) => _attempts.GetValueOrDefault(step);

    /// <summary>The latest value observed under <paramref name="step"/>/<paramref name="key"/>, or null.</summary>
    public JsonNode? Observation(string step, string key) =>
        _observations.TryGetValue($"{step}/{key}", out var value) ? value?.DeepClone() : null;

    /// <summary>The last outcome journaled for effect <paramref name="key"/> of <paramref name="step"/> (any generation), or null.</summary>
    public EffectRecord? Effect(string step, string key) => _effects.GetValueOrDefault($"{step}/{key}");

    /// <summary>The current generation of effect <paramref name="key"/> of <paramref name="step"/> (0 until one is journaled).</summary>
    public int Generation(string step, string key) => _generations.GetValueOrDefault($"{step}/{key}");

    private void Apply(JournalRecord record)
    {
        switch (record.Type)
        {
            case JournalRecordTypes.RunStarted:
                Started = true;
                StartedAt ??= record.At;
                PlanId = record.Value?["planId"]?.GetValue<string>();
                PlanSha256 = record.Value?["planSha256"]?.GetValue<string>();
                // A journal begun before runs had an identity: one derived from its start, stable across resumes.
                RunId = record.Value?["runId"]?.GetValue<string>() ?? $"{PlanId}@{record.At.ToUnixTimeMilliseconds()}";
                break;
            case JournalRecordTypes.ProcessStarted:
                // The first process follows only the run's start: no coordinator was down before it.
                _processes.Add(new CoordinatorProcess(
                    record.At, record.Value?["mode"]?.GetValue<string>() ?? "run", record.Value?["host"]?.GetValue<string>(), record.Value?["pid"]?.GetValue<int>(),
                    _lastType is JournalRecordTypes.RunStarted or null ? null : _lastRecordAt));
                break;
            case JournalRecordTypes.Effect when record.Step is not null && record.Key is not null && record.Value is not null:
                if (record.Value.Deserialize<EffectRecord>(JournalJson.Options) is { } effect)
                {
                    _effects[$"{record.Step}/{record.Key}"] = effect;
                }

                break;
            case JournalRecordTypes.EffectGeneration when record.Step is not null && record.Key is not null:
                _generations[$"{record.Step}/{record.Key}"] = record.Value?["generation"]?.GetValue<int>() ?? 0;
                break;
            case JournalRecordTypes.StepStarted when record.Step is not null:
                _attempts[record.Step] = Math.Max(_attempts.GetValueOrDefault(record.Step), record.Attempt);
                InProgressStep = record.Step;
                break;
            case JournalRecordTypes.StepCompleted when record.Step is not null:
                _completed.Add(record.Step);
                if (InProgressStep == record.Step)
                {
                    InProgressStep = null;
                }

                break;
            case JournalRecordTypes.StepFailed:
                LastFailure = $"{record.Step}: {record.Message}";
                break;
            case JournalRecordTypes.Observation when record.Step is not null && record.Key is not null:
                _observations[$"{record.Step}/{record.Key}"] = record.Value;
                break;
            case JournalRecordTypes.Confirmed when record.Step is not null:
                _confirmed.Add(record.Step);
                break;
            case JournalRecordTypes.AbortStarted:
                AbortStarted = true;
                break;
            case JournalRecordTypes.Aborted:
                Aborted = true;
                break;
            case JournalRecordTypes.Completed:
                Completed = true;
                break;
        }

        _lastRecordAt = record.At;
        _lastType = record.Type;
    }
}

/// <summary>One coordinator process that worked on the run.</summary>
/// <param name="StartedAt">When it journaled its start.</param>
/// <param name="Mode">run | resume | abort.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="Pid">Its process id.</param>
/// <param name="PreviousRecordAt">The last record before it (the previous process's last sign of life), or null for the first.</param>
public sealed record CoordinatorProcess(DateTimeOffset StartedAt, string Mode, string? Host, int? Pid, DateTimeOffset? PreviousRecordAt)
{
    /// <summary>The unmeasured time between the previous process's last record and this one's start; null for the first.</summary>
    public TimeSpan? DownBefore => PreviousRecordAt is { } previous ? StartedAt - previous : null;
}
