using System.Globalization;

namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>
/// A parsed ZooKeeper connect string <c>host:port[,host:port…][/chroot]</c> (IPv6 hosts in brackets; the port defaults to
/// 2181), as ZooKeeper's <c>ConnectStringParser</c> reads it. The one parser of connect strings: the client, the
/// coordinator's comparisons and the tools use it.
/// </summary>
/// <param name="Hosts">The servers in the order given.</param>
/// <param name="Chroot">The chroot path, or null when there is none (a lone "/" is none).</param>
public sealed record ConnectionString(IReadOnlyList<HostEndpoint> Hosts, string? Chroot)
{
    /// <summary>ZooKeeper's default client port, taken when a host names none.</summary>
    public const int DefaultPort = 2181;

    /// <summary>Parses <paramref name="connectString"/>.</summary>
    /// <exception cref="ArgumentException">No host, an empty host, an unclosed '[', a port outside 1-65535, or an invalid chroot.</exception>
    public static ConnectionString Parse(string connectString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectString);
        var slash = connectString.IndexOf('/', StringComparison.Ordinal);
        string? chroot = null;
        var hostPart = connectString;
        if (slash >= 0)
        {
            chroot = connectString[slash..];
            hostPart = connectString[..slash];
            if (chroot.Length == 1)
            {
                chroot = null;
            }
            else
            {
                var problem = ZooKeeperPath.Problem(chroot, allowSequentialSuffix: false);
                if (problem is not null)
                {
                    throw new ArgumentException($"invalid chroot '{chroot}' in connection string '{connectString}': {problem}", nameof(connectString));
                }
            }
        }

        var hosts = new List<HostEndpoint>();
        foreach (var item in hostPart.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            hosts.Add(HostEndpoint.Parse(item, connectString));
        }

        if (hosts.Count == 0)
        {
            throw new ArgumentException($"connection string '{connectString}' names no host", nameof(connectString));
        }

        return new ConnectionString(hosts, chroot);
    }
}

/// <summary>One server address of a connect string.</summary>
/// <param name="Host">A name or address, without brackets.</param>
/// <param name="Port">The client port (1-65535).</param>
public sealed record HostEndpoint(string Host, int Port)
{
    /// <summary><c>host:port</c>, with an IPv6 address in brackets.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses one <c>host[:port]</c> item of the connect string <paramref name="whole"/> (named in errors).</summary>
    /// <exception cref="ArgumentException">An empty host, an unclosed '[' or a bad port.</exception>
    public static HostEndpoint Parse(string item, string whole)
    {
        string host;
        var port = ConnectionString.DefaultPort;
        if (item.StartsWith('['))
        {
            var close = item.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException($"unclosed '[' in host '{item}' of connection string '{whole}'", nameof(whole));
            }

            host = item[1..close];
            var rest = item[(close + 1)..];
            if (rest.Length > 0)
            {
                port = ParsePort(rest.TrimStart(':'), item, whole);
            }
        }
        else
        {
            var colon = item.LastIndexOf(':');
            host = colon < 0 ? item : item[..colon];
            if (colon >= 0)
            {
                port = ParsePort(item[(colon + 1)..], item, whole);
            }
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"empty host in '{item}' of connection string '{whole}'", nameof(whole));
        }

        return new HostEndpoint(host, port);
    }

    private static int ParsePort(string text, string item, string whole) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"bad port in '{item}' of connection string '{whole}'", nameof(whole));
}
