using System.Collections.Concurrent;
using Grpc.Net.Client;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>One gRPC channel per agent of a plan, made by <see cref="AgentChannelFactory"/> from the plan's TLS section.</summary>
public sealed class PlanAgentChannels(TlsSpec tls) : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly AgentTlsSettings _settings = new()
    {
        CaCertificatePath = tls.Ca,
        ClientCertificatePath = tls.Certificate,
        ClientKeyPath = tls.Key,
        Insecure = tls.Insecure,
    };

    public GrpcChannel For(string address) => _channels.GetOrAdd(address, a => AgentChannelFactory.Create(a, _settings));

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
