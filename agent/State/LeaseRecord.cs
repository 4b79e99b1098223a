namespace ZkMitosis.Agent.State;

/// <summary>The plan that may drive this host until <see cref="ExpiresAt"/>.</summary>
public sealed record LeaseRecord
{
    public int SchemaVersion { get; init; } = 1;

    public required string PlanId { get; init; }

    public required string Holder { get; init; }

    public required DateTimeOffset AcquiredAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The plan's destination hosts as given with the lease: the only hosts whose data dir may be reset.</summary>
    public IReadOnlyList<string> DestinationHosts { get; init; } = [];
}
