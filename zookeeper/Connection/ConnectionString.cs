using System.Globalization;

namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>A parsed <c>host:port[,host:port…][/chroot]</c>.</summary>
internal sealed record ConnectionString(IReadOnlyList<HostEndpoint> Hosts, string? Chroot)
{
    public const int DefaultPort = 2181;

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

/// <summary>One server address of the connection string.</summary>
internal sealed record HostEndpoint(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

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
