using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ZkMitosis.Agent.Configuration;

namespace ZkMitosis.Agent.Hosting;

/// <summary>Loads the agent's server certificate and key before anything listens, so a bad pair stops the start with one line (exit 2).</summary>
public static class TlsMaterial
{
    /// <summary>The certificate of <see cref="TlsOptions.CertificatePath"/> with the key of <see cref="TlsOptions.KeyPath"/>.</summary>
    /// <exception cref="AgentConfigurationException">unreadable PEM, or a key that is not the certificate's (one line naming both files).</exception>
    public static X509Certificate2 LoadServerCertificate(TlsOptions tls, string configPath)
    {
        ArgumentNullException.ThrowIfNull(tls);
        try
        {
            return X509Certificate2.CreateFromPemFile(tls.CertificatePath!, tls.KeyPath!);
        }
        catch (ArgumentException)
        {
            // CopyWithPrivateKey's "The provided key does not match the public key for this certificate" (an ArgumentException).
            throw new AgentConfigurationException($"{configPath}: Tls.KeyPath '{tls.KeyPath}' does not match the certificate of Tls.CertificatePath '{tls.CertificatePath}' (its public key is another)");
        }
        catch (CryptographicException e)
        {
            throw new AgentConfigurationException($"{configPath}: Tls.CertificatePath '{tls.CertificatePath}' or Tls.KeyPath '{tls.KeyPath}' is not a PEM certificate and its key: {OneLine(e.Message)}", e);
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
