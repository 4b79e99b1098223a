using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ZkMitosis.Coordinator.Security;

/// <summary>
/// The CA that ties coordinators and agents together: it signs each agent's server certificate (with the host's names and
/// addresses) and each coordinator's client certificate; each side trusts only this CA. ECDSA P-256 by default,
/// RSA 2048 for ZooKeeper's own TLS (<see cref="CertificateKeyAlgorithm"/>); SHA-256.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>Default lifetime of the CA: 10 years.</summary>
    public static readonly TimeSpan DefaultCaLifetime = TimeSpan.FromDays(3650);

    /// <summary>Default lifetime of an issued certificate: 2 years.</summary>
    public static readonly TimeSpan DefaultLeafLifetime = TimeSpan.FromDays(730);

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly CertificateKeyAlgorithm _algorithm;

    private CertificateAuthority(X509Certificate2 certificate, CertificateKeyAlgorithm algorithm)
    {
        Certificate = certificate;
        _algorithm = algorithm;
    }

    /// <summary>The CA certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a new self-signed CA whose key, and every issued certificate's, is <paramref name="algorithm"/>.</summary>
    /// <param name="commonName">The CA's CN.</param>
    /// <param name="lifetime">Validity from now; <see cref="DefaultCaLifetime"/> when null.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="algorithm">The key type.</param>
    public static CertificateAuthority Create(string commonName, TimeSpan? lifetime = null, TimeProvider? time = null, CertificateKeyAlgorithm algorithm = CertificateKeyAlgorithm.EcdsaP256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var key = NewKey(algorithm);
        var request = Request(commonName, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + (lifetime ?? DefaultCaLifetime));
        return new CertificateAuthority(certificate, algorithm);
    }

    /// <summary>Loads a CA from its PEM certificate and key.</summary>
    /// <exception cref="CryptographicException">the files are not a CA certificate and its key.</exception>
    public static CertificateAuthority Load(string certificatePath, string keyPath)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is null || !constraints.CertificateAuthority)
        {
            certificate.Dispose();
            throw new CryptographicException($"{certificatePath} is not a CA certificate (no basicConstraints CA:true)");
        }

        return new CertificateAuthority(certificate, certificate.GetRSAPublicKey() is null ? CertificateKeyAlgorithm.EcdsaP256 : CertificateKeyAlgorithm.Rsa2048);
    }

    /// <summary>An agent's server certificate for <paramref name="dnsNames"/> and <paramref name="addresses"/>.</summary>
    /// <exception cref="ArgumentException">Neither a name nor an address is given.</exception>
    public X509Certificate2 IssueServer(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan? lifetime = null, TimeProvider? time = null) =>
        Issue(commonName, [ServerAuthOid], AlternativeNames(dnsNames, addresses), lifetime, time);

    /// <summary>
    /// A certificate that serves TLS and connects with it, for <paramref name="dnsNames"/> and <paramref name="addresses"/>:
    /// a ZooKeeper quorum peer is both (its one <c>ssl.quorum.keyStore</c> is used to accept and to connect), and a
    /// client whose server verifies client host names needs its own names in it.
    /// </summary>
    /// <exception cref="ArgumentException">Neither a name nor an address is given.</exception>
    public X509Certificate2 IssuePeer(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan? lifetime = null, TimeProvider? time = null) =>
        Issue(commonName, [ServerAuthOid, ClientAuthOid], AlternativeNames(dnsNames, addresses), lifetime, time);

    /// <summary>A coordinator's (or operator's) client certificate.</summary>
    public X509Certificate2 IssueClient(string commonName, TimeSpan? lifetime = null, TimeProvider? time = null) =>
        Issue(commonName, [ClientAuthOid], null, lifetime, time);

    public void Dispose() => Certificate.Dispose();

    private static X509Extension AlternativeNames(IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        var names = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var name in dnsNames.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            names.AddDnsName(name);
            any = true;
        }

        foreach (var address in addresses.Distinct())
        {
            names.AddIpAddress(address);
            any = true;
        }

        return any ? names.Build() : throw new ArgumentException("a server certificate needs at least one DNS name or IP address", nameof(dnsNames));
    }

    private static AsymmetricAlgorithm NewKey(CertificateKeyAlgorithm algorithm) => algorithm == CertificateKeyAlgorithm.Rsa2048
        ? RSA.Create(2048)
        : ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static CertificateRequest Request(string commonName, AsymmetricAlgorithm key)
    {
        var subject = new X500DistinguishedName($"CN={Escape(commonName)}");
        return key is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
    }

    private X509Certificate2 Issue(string commonName, string[] usageOids, X509Extension? subjectAlternativeNames, TimeSpan? lifetime, TimeProvider? time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var notAfter = now + (lifetime ?? DefaultLeafLifetime);
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }

        using var key = NewKey(_algorithm);
        var request = Request(commonName, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        // RSA key exchange encrypts with the leaf's key; ECDHE with ECDSA agrees one.
        var exchange = key is RSA ? X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.KeyAgreement;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | exchange, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usageOids.Select(o => new Oid(o))], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (subjectAlternativeNames is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeNames);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(Certificate, now.AddMinutes(-5), notAfter, serial);
        return key is RSA rsaKey ? issued.CopyWithPrivateKey(rsaKey) : issued.CopyWithPrivateKey((ECDsa)key);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal).Replace("+", "\\+", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal);
}
