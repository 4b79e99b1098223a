using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ZkMitosis.Coordinator.Journal;

/// <summary>Kinds of journal records.</summary>
public static class JournalRecordTypes
{
    /// <summary>The run began; its value holds the plan id, the plan's sha256 and the run's stable identity (<c>runId</c>).</summary>
    public const string RunStarted = "run-started";

    /// <summary>A coordinator process took the run up (run, resume or abort): the time before it since the last record is the coordinator's downtime.</summary>
    public const string ProcessStarted = "process-started";

    /// <summary>The typed outcome of one effect (<see cref="EffectRecord"/>): the journal's half of the resume contract.</summary>
    public const string Effect = "effect";

    /// <summary>An effect's next generation: the step must act again (a new operation id) instead of trusting the last.</summary>
    public const string EffectGeneration = "effect-generation";
    public const string StepStarted = "step-started";
    public const string Observation = "observation";
    public const string StepCompleted = "step-completed";
    public const string StepFailed = "step-failed";
    public const string Confirmed = "confirmed";
    public const string AbortStarted = "abort-started";
    public const string Aborted = "aborted";
    public const string Completed = "completed";
}

/// <summary>
/// One line of the journal. <see cref="Version"/> is the schema version (<see cref="CurrentVersion"/>); a
/// reader refuses records of a newer schema rather than misreading them, and records of version 1 (written before
/// records carried <see cref="Checksum"/>) rather than trusting them unchecked.
/// </summary>
public sealed record JournalRecord
{
    /// <summary>2: every record carries <see cref="Checksum"/>, chained to the previous record's.</summary>
    public const int CurrentVersion = 2;

    [JsonPropertyName("v")]
    public int Version { get; init; } = CurrentVersion;

    [JsonPropertyName("seq")]
    public long Sequence { get; init; }

    [JsonPropertyName("at")]
    public DateTimeOffset At { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("step")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Step { get; init; }

    [JsonPropertyName("attempt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Attempt { get; init; }

    [JsonPropertyName("key")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }

    [JsonPropertyName("value")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonNode? Value { get; init; }

    [JsonPropertyName("message")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }

    /// <summary>
    /// SHA-256 (hex) chaining this record to the previous one (<see cref="JournalChecksum"/>); set by the journal
    /// when the record is written, always the last field of its line.
    /// </summary>
    [JsonPropertyName("sum")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Checksum { get; init; }
}

/// <summary>The value of an <see cref="JournalRecordTypes.Effect"/> record.</summary>
/// <param name="Generation">The generation the outcome belongs to (0: the operation id has no generation suffix).</param>
/// <param name="OperationId">The operation id the agent knows the effect by.</param>
/// <param name="Outcome">"done" or "failed".</param>
/// <param name="Result">The effect's typed result (null when there is none, or it was proved by a post-condition).</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Source">How the outcome was learnt: "call", "agent-record" (the agent's record answered) or "post-condition" (re-checked after an interruption).</param>
public sealed record EffectRecord(int Generation, string OperationId, string Outcome, JsonNode? Result, string? Error, string Source)
{
    public const string Done = "done";
    public const string Failed = "failed";
}
