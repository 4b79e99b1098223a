using Grpc.Core;
using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Lab.Hosts;

/// <summary>Talks to a lab's agents as the coordinator does: gRPC over mTLS with the lab's coordinator certificate.</summary>
public static class LabAgents
{
    /// <summary>The TLS settings a coordinator uses for this lab's agents (insecure when the lab's agents run without TLS).</summary>
    public static AgentTlsSettings TlsSettings(LabManifest manifest) =>
        manifest.AgentsInsecure
            ? AgentTlsSettings.InsecureLab
            : new AgentTlsSettings
            {
                CaCertificatePath = manifest.CaCertificatePath,
                ClientCertificatePath = manifest.CoordinatorCertificatePath,
                ClientKeyPath = manifest.CoordinatorKeyPath,
            };

    /// <summary>The agent's <c>Describe</c>, or null with the reason when it does not answer within <paramref name="timeout"/>.</summary>
    public static async Task<(DescribeResponse? Response, string? Problem)> DescribeAsync(LabManifest manifest, LabHost host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (host.AgentEndpoint is not { } endpoint)
        {
            return (null, "no agent");
        }

        using var channel = AgentChannelFactory.Create(endpoint, TlsSettings(manifest), timeout);
        var client = new ZkMitosis.Agent.V1.Agent.AgentClient(channel);
        try
        {
            var response = await client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (response, null);
        }
        catch (RpcException e)
        {
            return (null, $"{e.StatusCode}: {e.Status.Detail}");
        }
    }
}
