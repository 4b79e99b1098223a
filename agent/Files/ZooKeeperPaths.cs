using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Agent.Files;

/// <summary>
/// Every ZooKeeper path the agent reads or writes, from its own configuration only (never from a file a caller could
/// have written): zoo.cfg, the config dir, the data dir and dataLogDir, myid, and the dynamic config file (a configured
/// bare name in the config dir, or the one zoo.cfg named when the agent started, when that is in the config dir).
/// </summary>
public sealed class ZooKeeperPaths
{
    public ZooKeeperPaths(IOptions<AgentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var zooKeeper = options.Value.ZooKeeper;
        ConfigPath = Path.GetFullPath(zooKeeper.ConfigPath);
        ConfigDirectory = Path.GetDirectoryName(ConfigPath) ?? "/";
        DataDir = Normalize(zooKeeper.DataDir);
        DataLogDir = zooKeeper.DataLogDir is { } dataLogDir ? Normalize(dataLogDir) : DataDir;
        DynamicPath = zooKeeper.DynamicConfigFile is { } name ? Path.Combine(ConfigDirectory, name) : DiscoverDynamicPath();
    }

    /// <summary>zoo.cfg, absolute.</summary>
    public string ConfigPath { get; }

    /// <summary>zoo.cfg's directory: the only directory the agent writes ZooKeeper configuration into.</summary>
    public string ConfigDirectory { get; }

    /// <summary>ZooKeeper.DataDir, absolute, without a trailing slash.</summary>
    public string DataDir { get; }

    /// <summary>ZooKeeper.DataLogDir, else the data dir.</summary>
    public string DataLogDir { get; }

    /// <summary>dataDir/myid.</summary>
    public string MyIdPath => Path.Combine(DataDir, "myid");

    /// <summary>The dynamic config file in the config dir, or null when this node has none.</summary>
    public string? DynamicPath { get; }

    /// <summary>True when <paramref name="value"/> (a zoo.cfg <c>dynamicConfigFile</c>) is the configured dynamic file.</summary>
    public bool IsDynamicPath(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return DynamicPath is not null && Resolve(value) == DynamicPath;
    }

    /// <summary>A zoo.cfg path value resolved as the agent reads it: absolute as is, relative against the config dir.</summary>
    public string Resolve(string value) => Path.GetFullPath(value, ConfigDirectory);

    /// <summary>Absolute form without a trailing slash (so <c>/a/b/</c> and <c>/a/b</c> are the same directory).</summary>
    public static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>True when <paramref name="value"/> is an absolute path naming <paramref name="normalized"/>.</summary>
    public static bool SamePath(string value, string normalized) =>
        Path.IsPathFullyQualified(value) && !CallerText.HasControlCharacter(value) && Normalize(value) == normalized;

    private string? DiscoverDynamicPath()
    {
        try
        {
            if (!File.Exists(ConfigPath) || PropertiesText.Parse(File.ReadAllText(ConfigPath)).Get("dynamicConfigFile") is not { Length: > 0 } named
                || CallerText.HasControlCharacter(named))
            {
                return null;
            }

            var resolved = Resolve(named);
            return Path.GetDirectoryName(resolved) == ConfigDirectory && Path.GetFileName(resolved) != Path.GetFileName(ConfigPath) ? resolved : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
