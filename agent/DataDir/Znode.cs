using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Agent.DataDir;

/// <summary>What a znode is, as ZooKeeper's <c>EphemeralType</c> reads its stored ephemeralOwner.</summary>
public enum ZnodeKind
{
    /// <summary>ephemeralOwner 0.</summary>
    Persistent,

    /// <summary>ephemeralOwner is the owning session's id.</summary>
    Ephemeral,

    /// <summary>ephemeralOwner <c>Long.MIN_VALUE</c> (<c>EphemeralType.CONTAINER_EPHEMERAL_OWNER</c>).</summary>
    Container,

    /// <summary>ephemeralOwner <c>0xFF0000xxxxxxxxxx</c>: high byte 0xFF, extended feature 0 (TTL), the TTL in ms in the low 40 bits.</summary>
    Ttl,
}

/// <summary>
/// One znode as ZooKeeper keeps it in its DataTree (<c>DataNode</c>: data, ACL, <c>StatPersisted</c>), not as a client sees
/// it: <see cref="StoredCversion"/> counts creates of children, and <see cref="EphemeralOwner"/> is the raw value that
/// tells containers and TTL nodes apart (the client API answers 0 for both; <c>DataNode.getClientEphemeralOwner</c>).
/// </summary>
public sealed class Znode
{
    private const long ExtendedMask = unchecked((long)0xff00000000000000UL);
    private const long ExtendedFeatureMask = 0x00ffff0000000000L;
    private const long TtlValueMask = 0x000000ffffffffffL;

    /// <summary>The data; null when the znode was created without data (kept apart from empty).</summary>
    public byte[]? Data { get; set; }

    public required IReadOnlyList<ZooKeeperAcl> Acl { get; set; }

    public long Czxid { get; set; }

    public long Mzxid { get; set; }

    /// <summary>Creation time, ms since the Unix epoch.</summary>
    public long Ctime { get; set; }

    /// <summary>Last data change, ms since the Unix epoch.</summary>
    public long Mtime { get; set; }

    public int Version { get; set; }

    /// <summary>StatPersisted.cversion: creates of children only. A client sees <see cref="ClientCversion"/>.</summary>
    public int StoredCversion { get; set; }

    public int Aversion { get; set; }

    public long EphemeralOwner { get; set; }

    public long Pzxid { get; set; }

    /// <summary>Child names (not paths).</summary>
    public HashSet<string> Children { get; } = new(StringComparer.Ordinal);

    /// <summary>The cversion a client's Stat shows: <c>cversion * 2 - numChildren</c> (<c>DataNode.copyStat</c>: every create but those still present had its delete).</summary>
    public int ClientCversion => (StoredCversion * 2) - Children.Count;

    public ZnodeKind Kind => KindOf(EphemeralOwner);

    /// <summary>A TTL node's TTL in ms, else 0.</summary>
    public long TtlMs => Kind == ZnodeKind.Ttl ? EphemeralOwner & TtlValueMask : 0;

    /// <summary>The kind a stored ephemeralOwner denotes (ZooKeeper's <c>EphemeralType.get</c> with extended types enabled).</summary>
    public static ZnodeKind KindOf(long ephemeralOwner) => ephemeralOwner switch
    {
        0 => ZnodeKind.Persistent,
        long.MinValue => ZnodeKind.Container,
        _ when (ephemeralOwner & ExtendedMask) == ExtendedMask && (ephemeralOwner & ExtendedFeatureMask) == 0 => ZnodeKind.Ttl,
        _ => ZnodeKind.Ephemeral,
    };

    /// <summary>The stored ephemeralOwner of a TTL node (<c>EphemeralType.TTL.toEphemeralOwner</c>).</summary>
    public static long TtlOwner(long ttlMs) => ExtendedMask | (ttlMs & TtlValueMask);
}
