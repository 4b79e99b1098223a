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

    public static bool SameEnsemble(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return false;
        }

        var (hostsA, chrootA) = Split(a);
        var (hostsB, chrootB) = Split(b);
        return chrootA == chrootB && hostsA.SetEquals(hostsB);
    }

    /// <summary>The host of a client address as <c>cons</c> prints it ("/10.0.0.5:41234"; IPv6 bracketed or bare).</summary>
    public static string HostOfClientAddress(string address)
    {
        var trimmed = address.TrimStart('/');
        var colon = trimmed.LastIndexOf(':');
        return (colon > 0 ? trimmed[..colon] : trimmed).Trim('[', ']');
    }
}
