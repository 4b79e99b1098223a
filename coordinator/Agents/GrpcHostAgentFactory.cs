using System.Collections.Concurrent;
using Grpc.Core;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>One <see cref="GrpcHostAgent"/> per address over channels from <paramref name="channelFor"/> (mTLS, see AgentChannelFactory).</summary>
public sealed class GrpcHostAgentFactory(MigrationPlan plan, Func<string, ChannelBase> channelFor, AgentRetryPolicy? retry = null) : IHostAgentFactory
{
    private readonly ConcurrentDictionary<string, IHostAgent> _agents = new(StringComparer.OrdinalIgnoreCase);
    private readonly AgentRetryPolicy _retry = retry ?? new AgentRetryPolicy();

    public IHostAgent Get(string address) =>
        _agents.GetOrAdd(address, a =>
        {
            var channel = channelFor(a);
            return new GrpcHostAgent(a, new Agent.V1.Agent.AgentClient(channel), new Grpc.Health.V1.Health.HealthClient(channel), plan, _retry);
        });
}
