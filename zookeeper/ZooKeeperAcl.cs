using System.Security.Cryptography;
using System.Text;

namespace ZkMitosis.ZooKeeper;

/// <summary>ZooKeeper's permission bits.</summary>
[Flags]
public enum ZooKeeperPermissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Create = 4,
    Delete = 8,
    Admin = 16,
    All = 31,
}

/// <summary>One ACL entry: permissions granted to an id in a scheme (world, auth, digest, ip, …).</summary>
public sealed record ZooKeeperAcl(ZooKeeperPermissions Permissions, string Scheme, string Id)
{
    /// <summary>world:anyone with every permission.</summary>
    public static IReadOnlyList<ZooKeeperAcl> OpenUnsafe { get; } = [new(ZooKeeperPermissions.All, "world", "anyone")];

    /// <summary>Every permission for the identities the session authenticated with (auth scheme).</summary>
    public static IReadOnlyList<ZooKeeperAcl> CreatorAll { get; } = [new(ZooKeeperPermissions.All, "auth", "")];

    /// <summary>world:anyone read only.</summary>
    public static IReadOnlyList<ZooKeeperAcl> ReadUnsafe { get; } = [new(ZooKeeperPermissions.Read, "world", "anyone")];

    /// <summary>A digest ACL entry: id <c>user:base64(sha1(user:password))</c>, as ZooKeeper's DigestAuthenticationProvider computes it.</summary>
    public static ZooKeeperAcl Digest(string user, string password, ZooKeeperPermissions permissions)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return new ZooKeeperAcl(permissions, "digest", $"{user}:{Convert.ToBase64String(hash)}");
    }
}
