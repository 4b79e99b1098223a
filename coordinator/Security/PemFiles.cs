using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ZkMitosis.Coordinator.Security;

/// <summary>Writes certificates and keys as PEM files; keys are readable by their owner only (0600).</summary>
public static class PemFiles
{
    /// <summary>Writes <c>NAME.crt</c> and <c>NAME.key</c> into <paramref name="directory"/>; returns both paths.</summary>
    /// <exception cref="IOException">a file exists and <paramref name="overwrite"/> is false.</exception>
    public static (string CertificatePath, string KeyPath) Write(X509Certificate2 certificate, string directory, string name, bool overwrite = false)
    {
        Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        if (!overwrite)
        {
            foreach (var path in new[] { certificatePath, keyPath })
            {
                if (File.Exists(path))
                {
                    throw new IOException($"{path} exists; refusing to overwrite it (pass --force to replace it)");
                }
            }
        }

        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
        var key = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey()
            ?? throw new CryptographicException($"certificate {certificate.Subject} has no private key to write");
        using (key)
        {
            WriteSecret(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        return (certificatePath, keyPath);
    }

    /// <summary>Writes only the certificate (e.g. the CA certificate agents are given).</summary>
    public static string WriteCertificate(X509Certificate2 certificate, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
        return path;
    }

    private static void WriteSecret(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600 from the start: the key is never readable by others, not even for a moment.
            File.Delete(path);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
