using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Lab.Hosts;

/// <summary>The lab's agent TLS material: where each host's certificate is, or that agents run insecure.</summary>
public sealed record LabTlsSetup(LabManifest Manifest, bool Insecure, IReadOnlyDictionary<string, AgentTlsFiles> PerHost)
{
    public AgentTlsFiles? ForHost(LabHost host) => PerHost.GetValueOrDefault(host.Name);
}

/// <summary>
/// Makes the lab's CA, one server certificate per agent and the coordinator's client certificate. Until the
/// certificate code exists in this build, agents run in insecure mode (recorded in the manifest and the plan).
/// </summary>
public static class LabCertificates
{
    public static LabTlsSetup Prepare(LabManifest manifest, IReadOnlyList<LabHost> agentHosts)
    {
        _ = agentHosts;
        return new LabTlsSetup(manifest with { AgentsInsecure = true }, Insecure: true, new Dictionary<string, AgentTlsFiles>());
    }
}
