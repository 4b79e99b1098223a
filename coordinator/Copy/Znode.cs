using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>Everything a copy or diff needs of one znode, read at one moment. <paramref name="Data"/> is null for null data (created without data), which is not empty data.</summary>
internal sealed record Znode(string Path, byte[]? Data, ZooKeeperStat Stat, IReadOnlyList<string> Children, IReadOnlyList<ZooKeeperAcl> Acl)
{
    /// <summary>
    /// The kind stored in the source's data dir (container, TTL or persistent), known only when the znode was read from
    /// a <see cref="ChrootSnapshot"/>; null from a live server, which reports every kind but ephemeral as persistent.
    /// </summary>
    public CreateMode? StoredKind { get; init; }

    /// <summary>A TTL znode's TTL in ms, with <see cref="StoredKind"/> <see cref="CreateMode.PersistentWithTtl"/>; else 0.</summary>
    public long TtlMs { get; init; }

    /// <summary>
    /// The ACL came from a reader's ACL base (a snapshot of the source in which the znode had the same czxid and
    /// aversion), not from a getACL: exact for this znode, and the copy that wrote its target from that snapshot wrote it.
    /// </summary>
    public bool AclFromBase { get; init; }

    /// <summary>Bytes of data (0 for null data).</summary>
    public int DataLength => Data?.Length ?? 0;

    /// <summary>Same data, null and empty being different.</summary>
    public bool SameData(Znode other) => Data is null ? other.Data is null : other.Data is not null && Data.AsSpan().SequenceEqual(other.Data);

    /// <summary>"null data" or "N bytes", for messages.</summary>
    public string DescribeData() => Data is null ? "null data" : $"{Data.Length} bytes";

    /// <summary>
    /// Owned by a session: belongs to that session's client, never copied nor deleted. (Servers report 0 for
    /// container and TTL znodes too, so the client cannot tell those from persistent ones: see CopyOptions.Containers.)
    /// </summary>
    public bool IsEphemeral => Stat.EphemeralOwner != 0;

    /// <summary>
    /// The number the next sequential child gets. The server counts child creations and reports
    /// cversion = 2 × creations − children, so creations = (cversion + children) / 2.
    /// </summary>
    public long SequentialCounter => ((long)Stat.Cversion + Stat.NumChildren) / 2;
}
