using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ZkMitosis.Lab.Security;

/// <summary>
/// The certificate authority of a secured lab's ZooKeeper TLS (client port and quorum), apart from the agents' CA.
/// RSA 2048 and SHA-256, the key type every ZooKeeper 3.8 PEM reader takes (its <c>PemReader</c>); keys are
/// unencrypted PKCS#8, written owner-only.
/// </summary>
internal sealed class LabZooKeeperPki : IDisposable
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly RSA _caKey;

    private LabZooKeeperPki(RSA caKey, X509Certificate2 ca)
    {
        _caKey = caKey;
        Ca = ca;
    }

    /// <summary>The CA certificate (public part).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>A new CA named after the lab, valid from a day ago for a year.</summary>
    public static LabZooKeeperPki Create(string labName)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=zkmitosis lab {labName} ZooKeeper CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new LabZooKeeperPki(key, request.CreateSelfSigned(now.AddDays(-1), now.AddDays(365)));
    }

    /// <summary>Writes the CA certificate (a PEM trust store) to <paramref name="path"/>.</summary>
    public void WriteCa(string path) => Write(path, Ca.ExportCertificatePem() + "\n", secret: false);

    /// <summary>
    /// Issues a certificate for <paramref name="names"/> and <paramref name="addresses"/>, usable as a TLS server and a
    /// TLS client (a quorum peer is both; a client's address is in it for servers that verify client host names), and
    /// writes it as a PEM key store: key, certificate, then the CA, in one file (ZooKeeper's <c>ssl.keyStore.type=PEM</c>).
    /// With <paramref name="separateKey"/>, the key goes to that file instead and the certificate file holds no key.
    /// </summary>
    public void Issue(string commonName, IEnumerable<string> names, IEnumerable<IPAddress> addresses, string keyStorePath, string? separateKey = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            san.AddDnsName(name);
        }

        foreach (var address in addresses.Distinct())
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid), new Oid(ClientAuthOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForRSA(_caKey, RSASignaturePadding.Pkcs1), now.AddDays(-1), now.AddDays(364), serial);
        var keyPem = key.ExportPkcs8PrivateKeyPem() + "\n";
        var chain = certificate.ExportCertificatePem() + "\n" + Ca.ExportCertificatePem() + "\n";
        if (separateKey is null)
        {
            Write(keyStorePath, keyPem + chain, secret: true);
        }
        else
        {
            Write(separateKey, keyPem, secret: true);
            Write(keyStorePath, chain, secret: false);
        }
    }

    /// <summary>Writes <paramref name="text"/>, owner-only (0600) when it holds a secret; the directory is created.</summary>
    public static void Write(string path, string text, bool secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(path);
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
    }
}
