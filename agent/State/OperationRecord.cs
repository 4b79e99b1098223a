namespace ZkMitosis.Agent.State;

/// <summary>
/// The agent's record of one mutating call, written as <see cref="OperationStates.Accepted"/> before the action runs and
/// rewritten when it ends, so a retry with the same operation id is answered from here instead of acting twice.
/// <see cref="SchemaVersion"/> lets a later agent read records an older one wrote.
/// </summary>
public sealed record OperationRecord
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string OperationId { get; init; }

    public required string PlanId { get; init; }

    /// <summary>The RPC, e.g. "WriteMyId".</summary>
    public required string Method { get; init; }

    /// <summary>The lease holder the call was made for (MutationContext.lease_holder).</summary>
    public required string Holder { get; init; }

    /// <summary>
    /// sha256 of the intent: the request without its context and per-call preconditions (expected_sha256 fields). The
    /// same id with another intent is refused.
    /// </summary>
    public required string IntentDigest { get; init; }

    /// <summary>One of <see cref="OperationStates"/>.</summary>
    public required string Status { get; init; }

    /// <summary>When the call was accepted (recorded before acting).</summary>
    public required DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When the action ended (done or failed); null while accepted or interrupted.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Done: the response as protobuf bytes (base64), what a retry gets back exactly.</summary>
    public string? ResponseBase64 { get; init; }

    /// <summary>Done: the response as proto3 JSON, for people and GetOperation.</summary>
    public string? ResponseJson { get; init; }

    /// <summary>Failed: the gRPC status code (numeric).</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Failed: the error message as returned.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Failed: the google.rpc.Status with its details as protobuf bytes (base64), returned again on a retry.</summary>
    public string? ErrorStatusBase64 { get; init; }
}

/// <summary>Where an operation stands in its record.</summary>
public static class OperationStates
{
    /// <summary>Recorded before acting; the action runs (in this process) or ran in an agent process that ended.</summary>
    public const string Accepted = "accepted";

    public const string Done = "done";

    public const string Failed = "failed";

    /// <summary>Accepted by an earlier agent process that ended before the action finished: its effect is unknown.</summary>
    public const string Interrupted = "interrupted";
}
