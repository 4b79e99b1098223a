using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ZkMitosis.Agent.Hosting;

/// <summary>
/// Accepts a client certificate only when it chains to the configured CA (and nothing else: the system's roots do not
/// count) and is meant for client authentication.
/// </summary>
public sealed class ClientCertificateValidator
{
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection _authorities;

    public ClientCertificateValidator(X509Certificate2Collection authorities)
    {
        _authorities = authorities;
    }

    public static ClientCertificateValidator FromPemFile(string path)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        return authorities.Count == 0
            ? throw new CryptographicException($"{path} holds no certificate")
            : new ClientCertificateValidator(authorities);
    }

    /// <summary>
    /// Null when trusted, else why not. Besides chaining to the CA, the certificate must carry the clientAuth extended key
    /// usage (a certificate without the extension is valid for every purpose to X509Chain, so it is checked here) and must
    /// not be a CA certificate: the CA's own certificate, or any other with basicConstraints CA=true, is no client.
    /// </summary>
    public string? Problem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_authorities.Any(a => a.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span)))
        {
            return "the CA certificate itself is not a client certificate";
        }

        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
        {
            return "a CA certificate (basicConstraints CA=true) is not a client certificate";
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).ToList();
        if (!usages.Any(u => u.Value == ClientAuthenticationOid))
        {
            return $"no clientAuth extended key usage ({ClientAuthenticationOid}); issue client certificates with 'zkmitosis certs issue'";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        if (chain.Build(certificate))
        {
            return null;
        }

        return string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("does not chain to the configured CA"));
    }
}
