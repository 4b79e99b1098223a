namespace ZkMitosis.Agent.State;

/// <summary>
/// The persisted result of one mutating call, so a retry with the same operation id is answered from here instead of
/// acting twice. <see cref="SchemaVersion"/> lets a later agent read records an older one wrote.
/// </summary>
public sealed record OperationRecord
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string OperationId { get; init; }

    public required string PlanId { get; init; }

    /// <summary>The RPC, e.g. "WriteMyId".</summary>
    public required string Method { get; init; }

    /// <summary>sha256 of the request as received: the same id with another request is refused.</summary>
    public required string RequestDigest { get; init; }

    public required DateTimeOffset PerformedAt { get; init; }

    /// <summary>The response as protobuf bytes (base64): what a retry gets back, exactly.</summary>
    public required string ResponseBase64 { get; init; }

    /// <summary>The response as proto3 JSON, for people and GetOperation.</summary>
    public required string ResponseJson { get; init; }
}
