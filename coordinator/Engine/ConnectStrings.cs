using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>Compares ZooKeeper connect strings by their host set and chroot, ignoring order.</summary>
public static class ConnectStrings
{
    public static (IReadOnlySet<string> Hosts, string Chroot) Split(string connect)
    {
        var slash = connect.IndexOf('/', StringComparison.Ordinal);
        var hosts = slash < 0 ? connect : connect[..slash];
        var chroot = slash < 0 ? "" : connect[slash..].TrimEnd('/');
        return (hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase), chroot);
    }

    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> name the same servers (in any order, host names without
    /// regard to case, a missing port read as ZooKeeper's default 2181, so <c>h</c> and <c>h:2181</c> are one server)
    /// and the same chroot (a trailing '/' ignored). A null or malformed string is the same as nothing.
    /// </summary>
    public static bool SameEnsemble(string? a, string? b)
    {
        if (Parse(a) is not { } left || Parse(b) is not { } right)
        {
            return false;
        }

        return left.Chroot == right.Chroot && Servers(left).SetEquals(Servers(right));

        static HashSet<string> Servers(ConnectionString connect) =>
            connect.Hosts.Select(h => h.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);

        static ConnectionString? Parse(string? text)
        {
            var trimmed = text?.Trim().TrimEnd('/');
            if (string.IsNullOrEmpty(trimmed))
            {
                return null;
            }

            try
            {
                return ConnectionString.Parse(trimmed);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }

    /// <summary>The host of a client address as <c>cons</c> prints it ("/10.0.0.5:41234"; IPv6 bracketed or bare).</summary>
    public static string HostOfClientAddress(string address)
    {
        var trimmed = address.TrimStart('/');
        var colon = trimmed.LastIndexOf(':');
        return (colon > 0 ? trimmed[..colon] : trimmed).Trim('[', ']');
    }
}
