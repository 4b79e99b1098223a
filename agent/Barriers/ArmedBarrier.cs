using ZkMitosis.Agent.V1;

namespace ZkMitosis.Agent.Barriers;

/// <summary>A checked, prepared action waiting for Fire.</summary>
public sealed record ArmedBarrier(string BarrierId, string PlanId, BarrierAction Action, DateTimeOffset ArmedAt, DateTimeOffset ExpiresAt);
