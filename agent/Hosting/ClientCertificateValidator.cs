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

    /// <summary>Null when trusted, else why not.</summary>
    public string? Problem(X509Certificate2 certificate)
    {
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
