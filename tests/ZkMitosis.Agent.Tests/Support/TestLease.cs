using Google.Protobuf.WellKnownTypes;
using ZkMitosis.Agent.V1;

namespace ZkMitosis.Agent.Tests.Support;

/// <summary>
/// Every mutation needs the live lease of its plan held by its holder (agent.proto, "Lease (fencing)"): tests take it
/// first and send <see cref="Holder"/> in every MutationContext.
/// </summary>
public static class TestLease
{
    /// <summary>The lease holder tests use.</summary>
    public const string Holder = "test-holder";

    /// <summary>Takes (or renews) <paramref name="planId"/>'s lease for <see cref="Holder"/>, for 10 minutes.</summary>
    public static async Task TakeAsync(ZkMitosis.Agent.V1.Agent.AgentClient client, string planId, params string[] destinationHosts)
    {
        var request = new AcquireLeaseRequest { PlanId = planId, Holder = Holder, Ttl = Duration.FromTimeSpan(TimeSpan.FromMinutes(10)) };
        request.DestinationHosts.Add(destinationHosts);
        await client.AcquireLeaseAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
    }

    /// <summary>Releases <paramref name="planId"/>'s lease held by <see cref="Holder"/>.</summary>
    public static async Task ReleaseAsync(ZkMitosis.Agent.V1.Agent.AgentClient client, string planId) =>
        await client.ReleaseLeaseAsync(new ReleaseLeaseRequest { PlanId = planId, Holder = Holder }, deadline: DateTime.UtcNow.AddSeconds(30));

    /// <summary>A context of <paramref name="planId"/> made for <see cref="Holder"/>; a fresh operation id unless given.</summary>
    public static MutationContext Context(string planId, string? operationId = null) =>
        new() { PlanId = planId, OperationId = operationId ?? Guid.NewGuid().ToString("N"), LeaseHolder = Holder };
}
