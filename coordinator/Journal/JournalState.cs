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

    public string? PlanId { get; private set; }

    public string? PlanSha256 { get; private set; }

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

    private void Apply(JournalRecord record)
    {
        switch (record.Type)
        {
            case JournalRecordTypes.RunStarted:
                Started = true;
                StartedAt ??= record.At;
                PlanId = record.Value?["planId"]?.GetValue<string>();
                PlanSha256 = record.Value?["planSha256"]?.GetValue<string>();
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
    }
}
