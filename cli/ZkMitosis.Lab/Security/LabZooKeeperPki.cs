using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ZkMitosis.Coordinator.Security;

namespace ZkMitosis.Lab.Security;

/// <summary>
/// The certificate authority of a secured lab's ZooKeeper TLS (client port and quorum), apart from the agents' CA:
/// a <see cref="CertificateAuthority"/> with RSA keys, the type every ZooKeeper 3.8 PEM reader takes. Keys are
/// unencrypted PKCS#8, written owner-only.
/// </summary>
internal sealed class LabZooKeeperPki : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    private readonly CertificateAuthority _authority;

    private LabZooKeeperPki(CertificateAuthority authority) => _authority = authority;

    /// <summary>A new CA named after the lab, valid for a year.</summary>
    public static LabZooKeeperPki Create(string labName) =>
        new(CertificateAuthority.Create($"zkmitosis lab {labName} ZooKeeper CA", Lifetime, algorithm: CertificateKeyAlgorithm.Rsa2048));

    /// <summary>Writes the CA certificate (a PEM trust store) to <paramref name="path"/>.</summary>
    public void WriteCa(string path) => Write(path, _authority.Certificate.ExportCertificatePem() + "\n", secret: false);

    /// <summary>
    /// Issues a certificate for <paramref name="names"/> and <paramref name="addresses"/>, usable as a TLS server and a
    /// TLS client (<see cref="CertificateAuthority.IssuePeer"/>), and writes it as a PEM key store: key, certificate,
    /// then the CA, in one file (ZooKeeper's <c>ssl.keyStore.type=PEM</c>). With <paramref name="separateKey"/>, the key
    /// goes to that file instead and the certificate file holds no key.
    /// </summary>
    public void Issue(string commonName, IEnumerable<string> names, IEnumerable<IPAddress> addresses, string keyStorePath, string? separateKey = null)
    {
        using var certificate = _authority.IssuePeer(commonName, names, addresses, Lifetime);
        using var key = certificate.GetRSAPrivateKey() ?? throw new CryptographicException($"{commonName}: the issued certificate has no RSA key");
        var keyPem = key.ExportPkcs8PrivateKeyPem() + "\n";
        var chain = certificate.ExportCertificatePem() + "\n" + _authority.Certificate.ExportCertificatePem() + "\n";
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

    public void Dispose() => _authority.Dispose();
}
