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

    /// <summary>The connect string: the hosts (IPv6 in brackets) joined by ',', then the chroot.</summary>
    public override string ToString() => string.Join(',', Hosts) + Chroot;

    /// <summary>Parses <paramref name="connectString"/>.</summary>
    /// <exception cref="ArgumentException">No host, an empty host, an unclosed '[', an IPv6 address without brackets, a port outside 1-65535, or an invalid chroot.</exception>
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
