using System.Globalization;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Agent.Files;

/// <summary>
/// The parts of zoo.cfg (and its dynamic file) the agent needs. Paths come from <see cref="ZooKeeperPaths"/> (the
/// agent's configuration); the file gives only members and ports. A dynamicConfigFile other than the configured one is
/// never followed.
/// </summary>
public sealed class ZooCfg
{
    private readonly ZooKeeperPaths _paths;

    private ZooCfg(ZooKeeperPaths paths, PropertiesText main, PropertiesText? dynamic, string? dynamicPath)
    {
        _paths = paths;
        Main = main;
        Dynamic = dynamic;
        DynamicPath = dynamicPath;
    }

    public string Path => _paths.ConfigPath;

    public PropertiesText Main { get; }

    /// <summary>The dynamic file's content, when zoo.cfg names the configured dynamic file and it exists.</summary>
    public PropertiesText? Dynamic { get; }

    /// <summary>The configured dynamic file, when zoo.cfg names it (this node keeps its members there).</summary>
    public string? DynamicPath { get; }

    /// <summary>The configured data dir (ZooKeeper.DataDir), not zoo.cfg's.</summary>
    public string DataDir => _paths.DataDir;

    /// <summary>The configured dataLogDir, else the data dir.</summary>
    public string DataLogDir => _paths.DataLogDir;

    public string MyIdPath => _paths.MyIdPath;

    /// <summary>
    /// server.N lines from the dynamic file when zoo.cfg uses one, else from zoo.cfg. A line ZooKeeper would refuse is
    /// left out here (a read must not fail for the whole file); writes refuse it.
    /// </summary>
    public IReadOnlyList<ZooKeeperServerSpec> Servers =>
        (Dynamic ?? Main).Entries
            .Select(e => ZooKeeperServerSpec.IdOf(e.Key) is { } id ? TryParse(id, e.Value) : null)
            .Where(s => s is not null)
            .Select(s => s!)
            .ToList();

    /// <summary>clientPort, or the client port of this server's line, or 2181.</summary>
    public int ClientPort(long? myId) => PlainClientPort(myId) ?? 2181;

    /// <summary>
    /// clientPort, or the client port of this server's line; null when the file gives neither (0 counts as none, as
    /// ZooKeeper reads it: a server with a <c>secureClientPort</c> only).
    /// </summary>
    public int? PlainClientPort(long? myId)
    {
        if (Port(Main.Get("clientPort")) is { } port)
        {
            return port;
        }

        return Servers.FirstOrDefault(s => s.Id == myId)?.ClientPort is { } linePort and > 0 ? linePort : null;
    }

    /// <summary>secureClientPort (the TLS client port of a Netty server), or null when the file has none.</summary>
    public int? SecureClientPort => Port(Main.Get("secureClientPort"));

    public string? ClientPortAddress(long? myId) =>
        Main.Get("clientPortAddress") ?? Servers.FirstOrDefault(s => s.Id == myId)?.ClientAddress;

    /// <summary>secureClientPortAddress, or null.</summary>
    public string? SecureClientPortAddress => Main.Get("secureClientPortAddress") is { Length: > 0 } address ? address.Trim() : null;

    /// <summary>Reads zoo.cfg and, when it names the configured dynamic file, that file.</summary>
    /// <exception cref="FileNotFoundException">zoo.cfg does not exist.</exception>
    public static ZooCfg Load(ZooKeeperPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var main = PropertiesText.Parse(File.ReadAllText(paths.ConfigPath));
        var dynamicPath = main.Get("dynamicConfigFile") is { Length: > 0 } named && paths.IsDynamicPath(named) ? paths.DynamicPath : null;
        var dynamic = dynamicPath is not null && File.Exists(dynamicPath) ? PropertiesText.Parse(File.ReadAllText(dynamicPath)) : null;
        return new ZooCfg(paths, main, dynamic, dynamicPath);
    }

    /// <summary>The myid in the data dir, or null when absent or unreadable as a number.</summary>
    public long? ReadMyId()
    {
        if (!File.Exists(MyIdPath))
        {
            return null;
        }

        return long.TryParse(File.ReadAllText(MyIdPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    private static int? Port(string? value) =>
        int.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : null;

    private static ZooKeeperServerSpec? TryParse(long id, string value)
    {
        try
        {
            return ZooKeeperServerSpec.Parse(id, value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
