namespace ZkMitosis.Coordinator.Stress;

/// <summary>Splits <c>host:port[,…][/chroot]</c> into its host list and chroot.</summary>
internal static class ConnectStrings
{
    public static (string Hosts, string? Chroot) Split(string connectString)
    {
        var slash = connectString.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return (connectString.Trim(), null);
        }

        var chroot = connectString[slash..].TrimEnd('/');
        return (connectString[..slash].Trim(), chroot.Length == 0 ? null : chroot);
    }

    public static string Join(string hosts, string? chroot) => chroot is null ? hosts : hosts + chroot;
}
