using System.Globalization;
using System.Net;
using ZkMitosis.ZooKeeper.Config;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Smoketest;

/// <summary>The server list of a smoketest, from <c>--servers</c> or from a zoo.cfg; each server as <c>host:port</c> (IPv6 in brackets).</summary>
public static class SmoketestServers
{
    /// <summary><c>host:port,[v6]:port</c> (a <c>/chroot</c> suffix is ignored).</summary>
    /// <exception cref="FormatException">an entry is not host:port (an IPv6 address without brackets included).</exception>
    public static IReadOnlyList<string> Parse(string servers)
    {
        var slash = servers.IndexOf('/', StringComparison.Ordinal);
        var list = (slash < 0 ? servers : servers[..slash]).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return list.Length > 0 ? [.. list.Select(s => HostEndpoint.ParseWithPort(s).ToString())] : throw new FormatException("no servers given");
    }

    /// <summary>
    /// The client addresses of every server of a zoo.cfg: <c>server.N=host:quorum:election[:role][;[address:]port]</c>
    /// (read by <see cref="ZooKeeperServerSpec"/>, so <c>[v6]</c> hosts too), a wildcard client address replaced by the
    /// member's host, else the host of the <c>server.N</c> line with <c>clientPort</c>. A standalone config gives
    /// <c>clientPortAddress</c> (or 127.0.0.1) with <c>clientPort</c>.
    /// </summary>
    /// <exception cref="FormatException">no client port can be found, or a member line is malformed.</exception>
    public static IReadOnlyList<string> FromZooCfg(string text) =>
        FromConfig(ZooKeeperConfigFile.Parse("zoo.cfg", text, Environment.CurrentDirectory, _ => null));

    /// <summary>
    /// As <see cref="FromZooCfg"/>, for the zoo.cfg at <paramref name="path"/>: when it names a <c>dynamicConfigFile</c>,
    /// every member of that file (<see cref="ZooKeeperConfigFile"/>), not only the local server of zoo.cfg's <c>clientPort</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">zoo.cfg does not exist.</exception>
    /// <exception cref="FormatException">as <see cref="ZooKeeperConfigFile.Load"/>, or no client port can be found.</exception>
    public static IReadOnlyList<string> FromConfigFile(string path) => FromConfig(ZooKeeperConfigFile.Load(path));

    private static IReadOnlyList<string> FromConfig(ZooKeeperConfigFile config)
    {
        var properties = config.Main;
        var members = config.Members;
        int? clientPort = properties.Get("clientPort") is { } portText
            ? int.TryParse(portText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and <= 65535 ? parsed : throw new FormatException($"clientPort={portText}: not a port")
            : null;
        if (members.Count == 0)
        {
            return clientPort is { } port
                ? [new HostEndpoint(Concrete(properties.Get("clientPortAddress")?.Trim(), "127.0.0.1"), port).ToString()]
                : throw new FormatException("the config has neither server.N lines nor clientPort");
        }

        return [.. members.Select(m => (m.ClientPort ?? clientPort) is { } port
            ? new HostEndpoint(Concrete(m.ClientAddress, m.Host), port).ToString()
            : throw new FormatException($"no client port for {m.Key}: add clientPort or ';port' to its server line"))];
    }

    /// <summary><paramref name="address"/>, unless it is missing or a wildcard (0.0.0.0, ::), which no client can connect to: then <paramref name="host"/>.</summary>
    private static string Concrete(string? address, string host) =>
        string.IsNullOrEmpty(address) || IPAddress.TryParse(address, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) ? host : address;
}
