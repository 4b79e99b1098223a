using System.Net;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Lab.Hosts;

/// <summary>A lab's agent TLS material: each host's files, and the manifest with the CA and coordinator paths filled in.</summary>
public sealed record LabTlsSetup(LabManifest Manifest, IReadOnlyDictionary<string, AgentTlsFiles> PerHost)
{
    public bool Insecure => Manifest.AgentsInsecure;

    public AgentTlsFiles? ForHost(LabHost host) => PerHost.GetValueOrDefault(host.Name);
}

/// <summary>
/// Makes the lab's mTLS material with the coordinator's own CA code (what <c>zkmitosis certs</c> uses): a CA in
/// <c>pki/</c>, a server certificate per agent for its host name and address (in the host's <c>etc/zkmitosis</c>,
/// with the CA it trusts beside it), and the coordinator's client certificate the lab's plan points at.
/// </summary>
public static class LabCertificates
{
    public const string PkiDirectory = "pki";

    public static LabTlsSetup Prepare(LabManifest manifest, IReadOnlyList<LabHost> agentHosts, bool insecure = false)
    {
        if (insecure)
        {
            return new LabTlsSetup(manifest with { AgentsInsecure = true }, new Dictionary<string, AgentTlsFiles>());
        }

        var pki = Path.Combine(manifest.Directory, PkiDirectory);
        using var authority = CertificateAuthority.Create($"zkmitosis lab {manifest.Name} CA");
        var (caPath, _) = PemFiles.Write(authority.Certificate, pki, "ca", overwrite: true);
        using var coordinator = authority.IssueClient($"zkmitosis lab {manifest.Name} coordinator");
        var (coordinatorCertificate, coordinatorKey) = PemFiles.Write(coordinator, pki, "coordinator", overwrite: true);
        var perHost = new Dictionary<string, AgentTlsFiles>(StringComparer.Ordinal);
        foreach (var host in agentHosts)
        {
            var directory = host.Layout.AgentConfDirectory;
            using var server = authority.IssueServer($"zkmitosis agent {host.Name}", [host.Name, .. host.DnsName is null ? Array.Empty<string>() : [host.DnsName], "localhost"], [IPAddress.Parse(host.Address), IPAddress.Loopback]);
            var (certificate, key) = PemFiles.Write(server, directory, "agent", overwrite: true);
            var clientCa = PemFiles.WriteCertificate(authority.Certificate, Path.Combine(directory, "ca.crt"));
            perHost[host.Name] = new AgentTlsFiles(certificate, key, clientCa);
        }

        var updated = manifest with
        {
            AgentsInsecure = false,
            CaCertificatePath = caPath,
            CoordinatorCertificatePath = coordinatorCertificate,
            CoordinatorKeyPath = coordinatorKey,
        };
        return new LabTlsSetup(updated, perHost);
    }
}
