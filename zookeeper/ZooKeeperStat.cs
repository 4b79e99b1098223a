namespace ZkMitosis.ZooKeeper;

/// <summary>A znode's Stat, every field as the server sends it (times in ms since the Unix epoch).</summary>
public sealed record ZooKeeperStat(long Czxid, long Mzxid, long Ctime, long Mtime, int Version, int Cversion, int Aversion,
                                   long EphemeralOwner, int DataLength, int NumChildren, long Pzxid);

/// <summary>
/// A znode's data and Stat. ZooKeeper keeps null data (a znode created without data, e.g. zkCli's <c>create /x</c>;
/// length −1 on the wire) apart from empty data: then <see cref="Data"/> is empty and <see cref="IsNullData"/> true.
/// </summary>
public sealed record DataResult(byte[] Data, ZooKeeperStat Stat)
{
    /// <summary>True when the znode's data is null rather than empty (the Java client's getData returns null).</summary>
    public bool IsNullData { get; init; }

    /// <summary>The data, null for null data: what to compare or copy when null and empty must stay apart.</summary>
    public byte[]? NullableData => IsNullData ? null : Data;
}

/// <summary>A znode's children (names, not paths) and its Stat.</summary>
public sealed record ChildrenResult(IReadOnlyList<string> Children, ZooKeeperStat Stat);

/// <summary>The path actually created (with any sequence suffix) and the new znode's Stat.</summary>
public sealed record CreateResult(string Path, ZooKeeperStat Stat);

/// <summary>A znode's ACL and Stat.</summary>
public sealed record AclResult(IReadOnlyList<ZooKeeperAcl> Acl, ZooKeeperStat Stat);
