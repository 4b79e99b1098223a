using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.Configuration;

/// <summary>
/// Start-time checks of the agent's own TLS files for its local ZooKeeper (<see cref="ZooKeeperSecurityOptions.AgentCaFile"/>
/// and its siblings): absolute, readable, and usable as PEM, so a wrong path stops the start with a line naming the
/// setting and the file instead of an unknown status at the first call. Nothing of a key's content reaches a message.
/// </summary>
public static class AgentTlsFilesValidator
{
    private const string Prefix = "ZooKeeper.Security.";

    /// <summary>Adds one line per problem, each naming its setting and path.</summary>
    /// <param name="security">The agent's <c>ZooKeeper.Security</c> section.</param>
    /// <param name="failures">Where the problems go.</param>
    public static void Validate(ZooKeeperSecurityOptions security, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(failures);
        var ca = Readable(failures, nameof(security.AgentCaFile), security.AgentCaFile);
        var certificate = Readable(failures, nameof(security.AgentCertificateFile), security.AgentCertificateFile);
        var key = Readable(failures, nameof(security.AgentKeyFile), security.AgentKeyFile);
        if ((security.AgentCertificateFile is null) != (security.AgentKeyFile is null))
        {
            failures.Add($"{Prefix}AgentCertificateFile and {Prefix}AgentKeyFile: give both (the certificate the agent presents and its key) or neither.");
        }

        if (security.AgentCaFile is null && (security.AgentCertificateFile is not null || security.AgentKeyFile is not null))
        {
            failures.Add($"{Prefix}AgentCaFile: required with {Prefix}AgentCertificateFile (the CA the local server's certificate chains to).");
        }

        if (ca)
        {
            CheckCa(failures, security.AgentCaFile!);
        }

        if (certificate && key)
        {
            CheckPair(failures, security.AgentCertificateFile!, security.AgentKeyFile!);
        }
    }

    /// <summary>True when <paramref name="path"/> is set, absolute and can be opened for reading.</summary>
    private static bool Readable(List<string> failures, string setting, string? path)
    {
        if (path is null)
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path) || CallerText.HasControlCharacter(path) || path.Split('/').Contains(".."))
        {
            failures.Add($"{Prefix}{setting}: '{CallerText.Printable(path)}' is not an absolute path (without '..').");
            return false;
        }

        if (Directory.Exists(path))
        {
            failures.Add($"{Prefix}{setting}: '{path}' is a directory, not a PEM file.");
            return false;
        }

        try
        {
            using var stream = File.OpenRead(path);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            failures.Add($"{Prefix}{setting}: '{path}' does not exist.");
        }
        catch (UnauthorizedAccessException)
        {
            failures.Add($"{Prefix}{setting}: '{path}' cannot be read by the agent (permission denied).");
        }
        catch (IOException e)
        {
            failures.Add($"{Prefix}{setting}: '{path}' cannot be read: {OneLine(e.Message)}");
        }

        return false;
    }

    private static void CheckCa(List<string> failures, string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
            if (authorities.Count == 0)
            {
                failures.Add($"{Prefix}AgentCaFile: '{path}' holds no PEM certificate.");
            }
        }
        catch (CryptographicException e)
        {
            failures.Add($"{Prefix}AgentCaFile: '{path}' is not a PEM certificate: {OneLine(e.Message)}");
        }
        finally
        {
            foreach (var authority in authorities)
            {
                authority.Dispose();
            }
        }
    }

    private static void CheckPair(List<string> failures, string certificatePath, string keyPath)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (ArgumentException)
        {
            // CopyWithPrivateKey's "the provided key does not match the public key for this certificate".
            failures.Add($"{Prefix}AgentKeyFile: '{keyPath}' does not match the certificate of {Prefix}AgentCertificateFile '{certificatePath}' (its public key is another).");
        }
        catch (CryptographicException e)
        {
            // An encrypted key lands here too: ZooKeeperTlsOptions takes unencrypted keys only, so no password is asked.
            failures.Add($"{Prefix}AgentCertificateFile '{certificatePath}' or {Prefix}AgentKeyFile '{keyPath}' is not a PEM certificate and its unencrypted key: {OneLine(e.Message)}");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
