using System.Globalization;

namespace ZkMitosis.Agent.Files;

/// <summary>One <c>server.N=host:quorumPort:electionPort[:role][;[clientAddress:]clientPort]</c> line.</summary>
public sealed record ZooCfgServer(long Id, string Host, int QuorumPort, int ElectionPort, string Role, string? ClientAddress, int? ClientPort)
{
    public bool IsObserver => Role == "observer";

    /// <exception cref="FormatException">not a server spec.</exception>
    public static ZooCfgServer Parse(long id, string spec)
    {
        var parts = spec.Split(';', 2);
        var fields = parts[0].Split(':');
        if (fields.Length < 3
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var quorum)
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var election))
        {
            throw new FormatException($"server.{id}={spec} is not host:quorumPort:electionPort[:role][;clientPort]");
        }

        string? clientAddress = null;
        int? clientPort = null;
        if (parts.Length == 2)
        {
            var client = parts[1];
            var colon = client.LastIndexOf(':');
            clientAddress = colon > 0 ? client[..colon] : null;
            clientPort = int.TryParse(colon >= 0 ? client[(colon + 1)..] : client, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
        }

        return new ZooCfgServer(id, fields[0], quorum, election, fields.Length > 3 ? fields[3] : "participant", clientAddress, clientPort);
    }
}

/// <summary>The parts of zoo.cfg (and its dynamic file) the agent needs.</summary>
public sealed class ZooCfg
{
    private ZooCfg(string path, PropertiesText main, PropertiesText? dynamic, string? dynamicPath)
    {
        Path = path;
        Main = main;
        Dynamic = dynamic;
        DynamicPath = dynamicPath;
    }

    public string Path { get; }

    public PropertiesText Main { get; }

    /// <summary>The dynamicConfigFile's content, when zoo.cfg names one that exists.</summary>
    public PropertiesText? Dynamic { get; }

    /// <summary>The dynamicConfigFile path (resolved against zoo.cfg's directory when relative).</summary>
    public string? DynamicPath { get; }

    public string? DataDir => Main.Get("dataDir");

    /// <summary>dataLogDir, or dataDir when not set (where ZooKeeper then writes its logs).</summary>
    public string? DataLogDir => Main.Get("dataLogDir") ?? DataDir;

    public string? MyIdPath => DataDir is null ? null : System.IO.Path.Combine(DataDir, "myid");

    /// <summary>server.N lines from the dynamic file when there is one, else from zoo.cfg.</summary>
    public IReadOnlyList<ZooCfgServer> Servers =>
        (Dynamic ?? Main).Entries
            .Where(e => e.Key.StartsWith("server.", StringComparison.Ordinal))
            .Select(e => long.TryParse(e.Key.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? ZooCfgServer.Parse(id, e.Value) : null)
            .Where(s => s is not null)
            .Select(s => s!)
            .ToList();

    /// <summary>clientPort, or the client port of this server's line, or 2181.</summary>
    public int ClientPort(long? myId)
    {
        if (int.TryParse(Main.Get("clientPort"), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return port;
        }

        return Servers.FirstOrDefault(s => s.Id == myId)?.ClientPort ?? 2181;
    }

    public string? ClientPortAddress(long? myId) =>
        Main.Get("clientPortAddress") ?? Servers.FirstOrDefault(s => s.Id == myId)?.ClientAddress;

    /// <summary>Reads zoo.cfg and its dynamic file.</summary>
    /// <exception cref="FileNotFoundException">zoo.cfg does not exist.</exception>
    public static ZooCfg Load(string path)
    {
        var main = PropertiesText.Parse(File.ReadAllText(path));
        var dynamicPath = ResolveDynamicPath(path, main.Get("dynamicConfigFile"));
        var dynamic = dynamicPath is not null && File.Exists(dynamicPath) ? PropertiesText.Parse(File.ReadAllText(dynamicPath)) : null;
        return new ZooCfg(path, main, dynamic, dynamicPath);
    }

    public static string? ResolveDynamicPath(string configPath, string? dynamicConfigFile) =>
        string.IsNullOrWhiteSpace(dynamicConfigFile)
            ? null
            : System.IO.Path.IsPathRooted(dynamicConfigFile)
                ? dynamicConfigFile
                : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(configPath)) ?? "/", dynamicConfigFile);

    /// <summary>The myid in dataDir, or null when absent or unreadable as a number.</summary>
    public long? ReadMyId()
    {
        var path = MyIdPath;
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        return long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}
