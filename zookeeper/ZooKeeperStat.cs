namespace ZkMitosis.ZooKeeper;

/// <summary>A znode's Stat, every field as the server sends it (times in ms since the Unix epoch).</summary>
public sealed record ZooKeeperStat(long Czxid, long Mzxid, long Ctime, long Mtime, int Version, int Cversion, int Aversion,
                                   long EphemeralOwner, int DataLength, int NumChildren, long Pzxid);

/// <summary>A znode's data and Stat.</summary>
public sealed record DataResult(byte[] Data, ZooKeeperStat Stat);

/// <summary>A znode's children (names, not paths) and its Stat.</summary>
public sealed record ChildrenResult(IReadOnlyList<string> Children, ZooKeeperStat Stat);

/// <summary>The path actually created (with any sequence suffix) and the new znode's Stat.</summary>
public sealed record CreateResult(string Path, ZooKeeperStat Stat);

/// <summary>A znode's ACL and Stat.</summary>
public sealed record AclResult(IReadOnlyList<ZooKeeperAcl> Acl, ZooKeeperStat Stat);
