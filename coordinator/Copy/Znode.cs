using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>Everything a copy or diff needs of one znode, read at one moment.</summary>
internal sealed record Znode(string Path, byte[] Data, ZooKeeperStat Stat, IReadOnlyList<string> Children, IReadOnlyList<ZooKeeperAcl> Acl)
{
    /// <summary>
    /// Owned by a session: belongs to the source's clients, never copied. (Servers report 0 for container
    /// and TTL znodes, so those are copied as persistent znodes: the client cannot tell them apart.)
    /// </summary>
    public bool IsEphemeral => Stat.EphemeralOwner != 0;

    /// <summary>
    /// The number the next sequential child gets. The server counts child creations and reports
    /// cversion = 2 × creations − children, so creations = (cversion + children) / 2.
    /// </summary>
    public long SequentialCounter => ((long)Stat.Cversion + Stat.NumChildren) / 2;
}
