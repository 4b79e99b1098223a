using Grpc.Core;
using ZkMitosis.Coordinator.Agents;

namespace ZkMitosis.Coordinator.Tests.Agents;

public sealed class AgentRetryPolicyTests
{
    private static readonly AgentRetryPolicy Policy = new() { FirstPause = TimeSpan.FromMilliseconds(1), MaxPause = TimeSpan.FromMilliseconds(2) };

    [Fact]
    public async Task RunAsync_TransientThenSuccess_RetriesTheSameRequest()
    {
        var requests = new List<string>();
        var result = await Policy.RunAsync("a:1", "WriteMyId", _ =>
        {
            requests.Add("op-1");
            return requests.Count < 3 ? throw new RpcException(new Status(StatusCode.Unavailable, "agent restarting")) : Task.FromResult(42);
        }, default);

        Assert.Equal(42, result);
        Assert.Equal(["op-1", "op-1", "op-1"], requests);
    }

    [Fact]
    public async Task RunAsync_AlwaysUnavailable_StopsAfterTheBoundWithAClearError()
    {
        var calls = 0;
        var error = await Assert.ThrowsAsync<AgentCallException>(() => Policy.RunAsync<int>("a:1", "Isolate", _ =>
        {
            calls++;
            throw new RpcException(new Status(StatusCode.Unavailable, "connection refused"));
        }, default));

        Assert.Equal(Policy.Attempts, calls);
        Assert.Contains("agent a:1: Isolate failed: Unavailable: connection refused (after 5 attempts)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PreconditionFailed_NotRetried()
    {
        var calls = 0;
        var error = await Assert.ThrowsAsync<AgentCallException>(() => Policy.RunAsync<int>("a:1", "ResetDataDir", _ =>
        {
            calls++;
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "the service is running"));
        }, default));

        Assert.Equal(1, calls);
        Assert.Contains("FailedPrecondition: the service is running", error.Message, StringComparison.Ordinal);
    }
}
