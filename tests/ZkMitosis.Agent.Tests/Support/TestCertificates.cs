using System.Net;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Support;

/// <summary>A CA with an agent server certificate and a coordinator client certificate, plus a second, unrelated CA's client certificate.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly TestDirectory _directory = new("zkat-certs");

    public TestCertificates(params IPAddress[] serverAddresses)
    {
        using var ca = CertificateAuthority.Create("zkat test CA");
        CaPath = PemFiles.WriteCertificate(ca.Certificate, Path.Combine(_directory.Path, "ca.crt"));
        using var server = ca.IssueServer("agent", ["localhost"], serverAddresses.Length == 0 ? [IPAddress.Loopback] : serverAddresses);
        (ServerCertificatePath, ServerKeyPath) = PemFiles.Write(server, _directory.Path, "server");
        using var client = ca.IssueClient("coordinator");
        (ClientCertificatePath, ClientKeyPath) = PemFiles.Write(client, _directory.Path, "client");
        using var otherCa = CertificateAuthority.Create("zkat other CA");
        using var stranger = otherCa.IssueClient("stranger");
        (StrangerCertificatePath, StrangerKeyPath) = PemFiles.Write(stranger, _directory.Path, "stranger");
    }

    public string CaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public string ClientCertificatePath { get; }

    public string ClientKeyPath { get; }

    public string StrangerCertificatePath { get; }

    public string StrangerKeyPath { get; }

    public AgentTlsSettings Client => new() { CaCertificatePath = CaPath, ClientCertificatePath = ClientCertificatePath, ClientKeyPath = ClientKeyPath };

    public AgentTlsSettings Stranger => new() { CaCertificatePath = CaPath, ClientCertificatePath = StrangerCertificatePath, ClientKeyPath = StrangerKeyPath };

    public void Dispose() => _directory.Dispose();
}
