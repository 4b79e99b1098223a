using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ZkMitosis.Testing.Security;

/// <summary>
/// Certificates for TLS tests, made in-process with <see cref="CertificateRequest"/> and written as PEM files into
/// <see cref="Directory"/>: a CA, a server certificate for 127.0.0.1 (and one already expired), a client
/// certificate, and a second CA nobody's certificate chains to.
/// </summary>
public sealed class TestPki
{
    private TestPki(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>The CA the server and client certificates chain to.</summary>
    public string CaFile => Path.Combine(Directory, "ca.pem");

    /// <summary>Another CA: a client trusting only it refuses the servers.</summary>
    public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

    /// <summary>Server key (PKCS#8) and certificate (IP SAN 127.0.0.1 only) in one file, ZooKeeper's PEM key store.</summary>
    public string ServerKeyStoreFile => Path.Combine(Directory, "server.pem");

    /// <summary>As <see cref="ServerKeyStoreFile"/>, but the certificate expired yesterday.</summary>
    public string ExpiredServerKeyStoreFile => Path.Combine(Directory, "expired-server.pem");

    public string ClientCertificateFile => Path.Combine(Directory, "client.crt");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    public static TestPki Create(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var pki = new TestPki(directory);
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        using var ca = SelfSignedCa("CN=zkmitosis test CA", caKey, now);
        using var otherKey = RSA.Create(2048);
        using var other = SelfSignedCa("CN=zkmitosis other CA", otherKey, now);
        File.WriteAllText(pki.CaFile, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(pki.OtherCaFile, other.ExportCertificatePem() + "\n");
        WriteLeaf(pki.ServerKeyStoreFile, null, "CN=zookeeper test server", ca, caKey, now.AddDays(-1), now.AddDays(30), server: true);
        WriteLeaf(pki.ExpiredServerKeyStoreFile, null, "CN=zookeeper expired server", ca, caKey, now.AddDays(-30), now.AddDays(-1), server: true);
        WriteLeaf(pki.ClientCertificateFile, pki.ClientKeyFile, "CN=zkmitosis test client", ca, caKey, now.AddDays(-1), now.AddDays(30), server: false);
        return pki;
    }

    private static X509Certificate2 SelfSignedCa(string subject, RSA key, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-60), now.AddDays(60));
    }

    /// <summary>Writes key then certificate then CA into <paramref name="certificateFile"/>, or the key apart when <paramref name="keyFile"/> is given.</summary>
    private static void WriteLeaf(string certificateFile, string? keyFile, string subject, X509Certificate2 ca, RSA caKey, DateTimeOffset notBefore, DateTimeOffset notAfter, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), notBefore, notAfter, serial);
        var pem = new StringBuilder();
        if (keyFile is null)
        {
            pem.Append(key.ExportPkcs8PrivateKeyPem()).Append('\n');
        }
        else
        {
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        pem.Append(certificate.ExportCertificatePem()).Append('\n');
        if (keyFile is null)
        {
            pem.Append(ca.ExportCertificatePem()).Append('\n');
        }

        File.WriteAllText(certificateFile, pem.ToString());
    }
}
