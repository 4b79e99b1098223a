using System.Text.RegularExpressions;
using ZkMitosis.Agent.Files;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Agent.Configuration;

/// <summary>
/// Start-time checks of the ZooKeeper paths the agent writes to: absolute data dirs, a dynamic config file that is a bare
/// name in the config dir, and an existing zoo.cfg that agrees with them (an agent configured for one data dir must not
/// reset or write myid into another one, nor refuse every write because the host's zoo.cfg names a different one).
/// </summary>
public static partial class ZooKeeperPathsValidator
{
    /// <summary>Adds a message naming the field for each problem.</summary>
    public static void Validate(ZooKeeperOptions options, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(failures);
        var dataDirValid = RequireAbsolute(failures, "ZooKeeper.DataDir", options.DataDir, required: true);
        var dataLogDirValid = RequireAbsolute(failures, "ZooKeeper.DataLogDir", options.DataLogDir, required: false);
        RequireAbsolute(failures, "ZooKeeper.JvmOptionsFile", options.JvmOptionsFile, required: false);
        if (options.DynamicConfigFile is { } dynamic
            && (!BareFileName().IsMatch(dynamic) || dynamic is "." or ".." || dynamic == Path.GetFileName(options.ConfigPath)))
        {
            failures.Add($"ZooKeeper.DynamicConfigFile: '{CallerText.Printable(dynamic)}' is not a bare file name (letters, digits, '.', '_', '-'; not zoo.cfg itself); it names a file in the directory of ZooKeeper.ConfigPath.");
        }

        ValidateSecurity(options.Security, failures);
        if (!dataDirValid || !dataLogDirValid || string.IsNullOrWhiteSpace(options.ConfigPath) || !File.Exists(options.ConfigPath))
        {
            return;
        }

        PropertiesText current;
        try
        {
            current = PropertiesText.Parse(File.ReadAllText(options.ConfigPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failures.Add($"ZooKeeper.ConfigPath: '{options.ConfigPath}' cannot be read: {e.Message}");
            return;
        }

        var dataDir = ZooKeeperPaths.Normalize(options.DataDir);
        if (current.Get("dataDir") is { Length: > 0 } fileDataDir && !ZooKeeperPaths.SamePath(fileDataDir, dataDir))
        {
            failures.Add($"ZooKeeper.DataDir: '{dataDir}' but {options.ConfigPath} has dataDir={CallerText.Printable(fileDataDir)}; set ZooKeeper.DataDir to the data dir ZooKeeper uses.");
        }

        var dataLogDir = options.DataLogDir is null ? dataDir : ZooKeeperPaths.Normalize(options.DataLogDir);
        if (current.Get("dataLogDir") is { Length: > 0 } fileDataLogDir && !ZooKeeperPaths.SamePath(fileDataLogDir, dataLogDir))
        {
            failures.Add($"ZooKeeper.DataLogDir: '{options.DataLogDir ?? "(unset: the data dir)"}' but {options.ConfigPath} has dataLogDir={CallerText.Printable(fileDataLogDir)}; set ZooKeeper.DataLogDir to the dataLogDir ZooKeeper uses.");
        }
    }

    /// <summary>The host's security files are written into zoo.cfg as they are: absolute, one line, no backslash (a Java properties escape).</summary>
    private static void ValidateSecurity(ZooKeeperSecurityOptions security, List<string> failures)
    {
        foreach (var (field, path) in new[]
        {
            ("KeyStore", security.KeyStore), ("KeyStorePasswordFile", security.KeyStorePasswordFile), ("TrustStore", security.TrustStore),
            ("TrustStorePasswordFile", security.TrustStorePasswordFile), ("JaasFile", security.JaasFile),
        })
        {
            if (RequireAbsolute(failures, $"ZooKeeper.Security.{field}", path, required: false) && path is not null && (path.Contains('\\', StringComparison.Ordinal) || path.Any(char.IsWhiteSpace)))
            {
                failures.Add($"ZooKeeper.Security.{field}: '{CallerText.Printable(path)}' holds a backslash or whitespace, which zoo.cfg cannot carry as is.");
            }
        }

        foreach (var (field, type) in new[] { ("KeyStoreType", security.KeyStoreType), ("TrustStoreType", security.TrustStoreType) })
        {
            if (type is not null && type is not ("PEM" or "JKS" or "PKCS12" or "BCFKS"))
            {
                failures.Add($"ZooKeeper.Security.{field}: '{CallerText.Printable(type)}' is not a store type ZooKeeper reads (PEM, JKS, PKCS12, BCFKS).");
            }
        }
    }

    private static bool RequireAbsolute(List<string> failures, string field, string? path, bool required)
    {
        if (path is null && !required)
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path) || CallerText.HasControlCharacter(path) || path.Split('/').Contains(".."))
        {
            failures.Add($"{field}: '{CallerText.Printable(path ?? "")}' is not an absolute path (without '..').");
            return false;
        }

        return true;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,255}\z")]
    private static partial Regex BareFileName();
}
