using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>Compares ZooKeeper connect strings by their host set and chroot, ignoring order.</summary>
public static class ConnectStrings
{
    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> name the same servers (in any order, host names without
    /// regard to case, IP addresses however spelled, a missing port read as ZooKeeper's default 2181, so <c>h</c> and <c>h:2181</c> are one server)
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
            connect.Hosts.Select(h => new HostEndpoint(HostEndpoint.CanonicalHost(h.Host), h.Port).ToString()).ToHashSet(StringComparer.Ordinal);

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

    /// <summary>
    /// The host of a client address as an agent reports it (<c>10.0.0.5</c>, <c>fd00::31</c>) or as <c>cons</c> prints it
    /// (<c>/10.0.0.5:41234</c>, <c>/[fd00:0:0:0:0:0:0:31]:41234</c>), in <see cref="HostEndpoint.CanonicalHost"/> form so it
    /// compares with a plan's hosts however the address is spelled.
    /// </summary>
    public static string HostOfClientAddress(string address)
    {
        var trimmed = address.Trim().TrimStart('/');
        if (trimmed.StartsWith('[') || trimmed.Count(c => c == ':') == 1)
        {
            return HostEndpoint.FromSocketAddress(trimmed)?.Host ?? HostEndpoint.CanonicalHost(trimmed);
        }

        return HostEndpoint.CanonicalHost(trimmed);
    }
}
