using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>Everything a copy or diff needs of one znode, read at one moment.</summary>
internal sealed record Znode(string Path, byte[] Data, ZooKeeperStat Stat, IReadOnlyList<string> Children, IReadOnlyList<ZooKeeperAcl> Acl)
{
    // ZooKeeper encodes container and TTL znodes in ephemeralOwner (EphemeralType in the server).
    private const long ContainerOwner = long.MinValue;
    private const long TtlMask = unchecked((long)0xFF00000000000000UL);

    public bool IsContainer => Stat.EphemeralOwner == ContainerOwner;

    public bool IsTtl => Stat.EphemeralOwner != ContainerOwner && (Stat.EphemeralOwner & TtlMask) == TtlMask;

    public long TtlMs => IsTtl ? Stat.EphemeralOwner & ~TtlMask : 0;

    /// <summary>Owned by a session: belongs to the source's clients, never copied.</summary>
    public bool IsEphemeral => Stat.EphemeralOwner != 0 && !IsContainer && !IsTtl;

    /// <summary>
    /// The number the next sequential child gets. The server counts child creations and reports
    /// cversion = 2 × creations − children, so creations = (cversion + children) / 2.
    /// </summary>
    public long SequentialCounter => ((long)Stat.Cversion + Stat.NumChildren) / 2;

    public CreateMode CreateMode => IsContainer ? CreateMode.Container : IsTtl ? CreateMode.PersistentWithTtl : CreateMode.Persistent;
}
