using ZkMitosis.ZooKeeper;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// The ACLs a ZooKeeper-mode Kafka broker gives every znode it creates, as Kafka's <c>ZkData.defaultAcls(isSecure, path)</c>
/// does. With <c>zookeeper.set.acl=true</c> (secure): the creator gets every permission (<c>auth</c> scheme, empty id:
/// the server substitutes the session's authenticated identities, e.g. <c>sasl:USER</c>) and <c>world:anyone</c> may
/// read, except on sensitive paths (<c>ZkData.sensitivePath</c>), which only the creator may read. Otherwise, and on
/// <c>/consumers</c> (kept open for old consumers, as Kafka keeps it), <c>world:anyone</c> gets every permission.
/// Shared by the broker stand-in and the lab's populator so both build the same tree.
/// </summary>
public static class KafkaZnodeAcls
{
    /// <summary>
    /// Kafka's <c>ZkData.SensitiveRootPaths</c>: SCRAM credentials (<c>/config/users</c>), broker configs that may
    /// hold passwords (<c>/config/brokers</c>) and delegation tokens (<c>/delegation_token</c>). Paths relative to the chroot.
    /// </summary>
    public static IReadOnlyList<string> SensitiveRootPaths { get; } = ["/config/users", "/config/brokers", "/delegation_token"];

    /// <summary>The path Kafka leaves open in every mode (<c>ZkData.ConsumerPathZNode</c>).</summary>
    public const string ConsumersPath = "/consumers";

    /// <summary>
    /// True when <paramref name="path"/> (relative to the chroot) starts with a <see cref="SensitiveRootPaths"/> entry.
    /// A plain prefix test, as Kafka's <c>sensitivePath</c> (<c>path.startsWith</c>) is.
    /// </summary>
    public static bool IsSensitivePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return SensitiveRootPaths.Any(root => path.StartsWith(root, StringComparison.Ordinal));
    }

    /// <summary>
    /// The ACL of a znode Kafka creates at <paramref name="path"/> (relative to the chroot). <paramref name="secure"/> is
    /// <c>zookeeper.set.acl</c>: false gives <see cref="ZooKeeperAcl.OpenUnsafe"/>. A secure ACL needs a session with an
    /// authenticated identity (SASL, or an x509 client certificate), or the server refuses the create with InvalidACL.
    /// </summary>
    public static IReadOnlyList<ZooKeeperAcl> For(string path, bool secure)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!secure || path == ConsumersPath)
        {
            return ZooKeeperAcl.OpenUnsafe;
        }

        return IsSensitivePath(path) ? CreatorOnly : CreatorAllWorldRead;
    }

    private static readonly IReadOnlyList<ZooKeeperAcl> CreatorOnly = ZooKeeperAcl.CreatorAll;

    private static readonly IReadOnlyList<ZooKeeperAcl> CreatorAllWorldRead = [.. ZooKeeperAcl.CreatorAll, .. ZooKeeperAcl.ReadUnsafe];
}
