using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// Who the copy's target session is to ZooKeeper's ACL checks: <c>world:anyone</c>, plus the digest id of
/// <c>--target-auth digest:user:password</c> (ZooKeeper's DigestAuthenticationProvider: user:base64(sha1(user:password))).
/// Other schemes (ip, sasl, x509) depend on what the server sees, so an entry in them is "unknown", never "granted".
/// </summary>
internal sealed class TargetIdentity
{
    private readonly string? _digestUser;
    private readonly string? _digestPassword;
    private readonly string? _digestId;

    public TargetIdentity(string? auth)
    {
        if (auth is not null && auth.StartsWith("digest:", StringComparison.Ordinal))
        {
            var credentials = auth["digest:".Length..];
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                _digestUser = credentials[..colon];
                _digestPassword = credentials[(colon + 1)..];
                _digestId = ZooKeeperAcl.Digest(_digestUser, _digestPassword, ZooKeeperPermissions.All).Id;
            }
        }
    }

    /// <summary>The permissions of <paramref name="acl"/> surely granted to this session.</summary>
    public ZooKeeperPermissions Granted(IReadOnlyList<ZooKeeperAcl> acl)
    {
        var granted = ZooKeeperPermissions.None;
        foreach (var entry in acl)
        {
            if ((entry.Scheme == "world" && entry.Id == "anyone") || (entry.Scheme == "digest" && entry.Id == _digestId))
            {
                granted |= entry.Permissions;
            }
        }

        return granted;
    }

    /// <summary>Whether <paramref name="acl"/> has entries (ip, sasl, x509, …) whose match only the server can know.</summary>
    public static bool HasUnknownEntries(IReadOnlyList<ZooKeeperAcl> acl) => acl.Any(e => e.Scheme is not "world" and not "digest");

    /// <summary>The ACL a znode is created with while the copy still needs <paramref name="needed"/> on it: its own entries plus one for this session.</summary>
    public IReadOnlyList<ZooKeeperAcl> WithGrant(IReadOnlyList<ZooKeeperAcl> acl, ZooKeeperPermissions needed)
    {
        var grant = _digestUser is not null
            ? ZooKeeperAcl.Digest(_digestUser, _digestPassword!, needed)
            : new ZooKeeperAcl(needed, "world", "anyone");
        var merged = acl.Where(e => e.Scheme != grant.Scheme || e.Id != grant.Id).ToList();
        var existing = acl.FirstOrDefault(e => e.Scheme == grant.Scheme && e.Id == grant.Id);
        merged.Add(grant with { Permissions = grant.Permissions | (existing?.Permissions ?? ZooKeeperPermissions.None) });
        return merged;
    }

    /// <summary>The credentials to name in an error: which identities an ACL grants <paramref name="needed"/> to.</summary>
    public static string Holders(IReadOnlyList<ZooKeeperAcl> acl, ZooKeeperPermissions needed)
    {
        var holders = acl.Where(e => (e.Permissions & needed) == needed).Select(e => $"{e.Scheme}:{e.Id}").ToList();
        return holders.Count == 0 ? "no identity (only a super user)" : string.Join(" or ", holders);
    }
}
