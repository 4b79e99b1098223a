using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        (CaAsClientCertificatePath, CaAsClientKeyPath) = PemFiles.Write(ca.Certificate, _directory.Path, "ca-as-client");
        using var noUsage = IssueWithoutExtendedKeyUsage(ca.Certificate, "no-eku");
        (NoUsageCertificatePath, NoUsageKeyPath) = PemFiles.Write(noUsage, _directory.Path, "no-eku");
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

    /// <summary>The CA's own certificate and key, presented as a client certificate.</summary>
    public string CaAsClientCertificatePath { get; }

    public string CaAsClientKeyPath { get; }

    /// <summary>A certificate the CA signed with no extended key usage at all (X509Chain treats it as valid for every purpose).</summary>
    public string NoUsageCertificatePath { get; }

    public string NoUsageKeyPath { get; }

    public AgentTlsSettings CaAsClient => new() { CaCertificatePath = CaPath, ClientCertificatePath = CaAsClientCertificatePath, ClientKeyPath = CaAsClientKeyPath };

    public AgentTlsSettings NoUsage => new() { CaCertificatePath = CaPath, ClientCertificatePath = NoUsageCertificatePath, ClientKeyPath = NoUsageKeyPath };

    public AgentTlsSettings Client => new() { CaCertificatePath = CaPath, ClientCertificatePath = ClientCertificatePath, ClientKeyPath = ClientKeyPath };

    public AgentTlsSettings Stranger => new() { CaCertificatePath = CaPath, ClientCertificatePath = StrangerCertificatePath, ClientKeyPath = StrangerKeyPath };

    public void Dispose() => _directory.Dispose();

    private static X509Certificate2 IssueWithoutExtendedKeyUsage(X509Certificate2 authority, string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16).Select((b, i) => i == 0 ? (byte)(b & 0x7f) : b).ToArray());
        return issued.CopyWithPrivateKey(key);
    }
}
