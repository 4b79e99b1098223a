extern alias AgentServer;

using AgentServer::ZkMitosis.Agent.State;
using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Agent.Tests.State;

/// <summary>
/// The coordinator's operation ids against the agent's own id rule (kept strict): a key built from an IPv6 host, a name
/// with '_' or '/' or any other character is made safe, and distinct keys stay distinct.
/// </summary>
public sealed class OperationIdAlphabetTests
{
    private static readonly string[] KeyTexts = ["isolate:4", "probe:[fd00::11]:2181", "connect:[fd00:0:0:fb00::31]:7443", "restart:kafka_1.example", "odd/key with space", "zk-ü"];

    public static TheoryData<string> Keys => [.. KeyTexts];

    [Theory]
    [MemberData(nameof(Keys))]
    public void For_AnyKey_AcceptedByTheAgent(string key)
    {
        var id = OperationIds.For("plan-v6", "switch-broker-1", key, 2);

        Identifiers.RequireId("operation_id", id);
        Assert.StartsWith("plan-v6/switch-broker-1/", id, StringComparison.Ordinal);
        Assert.EndsWith("/2", id, StringComparison.Ordinal);
    }

    [Fact]
    public void Safe_DistinctKeys_DistinctParts()
    {
        var keys = KeyTexts.Concat(["a_5bb", "a[b", "a/b", "a_2fb"]).ToList();

        Assert.Equal(keys.Count, keys.Select(OperationIds.Safe).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Safe_KeysAlreadySafe_Unchanged() =>
        Assert.Equal(["isolate:4", "fire-wave1:r2:5"], new[] { "isolate:4", "fire-wave1:r2:5" }.Select(OperationIds.Safe));
}
