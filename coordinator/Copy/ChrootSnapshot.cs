using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// A chroot as a source server's agent read it from that server's data dir (its newest valid snapshot plus the txn
/// logs after it: agent.proto's ReadTree), consistent at <see cref="Zxid"/>. It serves a copy's source side without
/// one request to the server (<see cref="IZnodeSource"/>), ACLs and the kinds the client API hides (container, TTL)
/// included, and later tells a catch-up read which ACLs it already knows (<see cref="AclIfUnchanged"/>).
/// </summary>
public sealed class ChrootSnapshot : IZnodeSource
{
    private readonly Dictionary<string, Znode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ZooKeeperAcl>> _acls = new(StringComparer.Ordinal);
    private int _largestData;

    /// <param name="chroot">The chroot read (an absolute znode path).</param>
    /// <param name="zxid">The last txn applied: the tree is the server's tree at this zxid.</param>
    /// <param name="description">Where it was read, for reports: host, snapshot file and its zxid, txns applied.</param>
    internal ChrootSnapshot(string chroot, long zxid, string description)
    {
        Chroot = chroot;
        Zxid = zxid;
        Description = description;
    }

    /// <summary>The chroot read.</summary>
    public string Chroot { get; }

    /// <summary>The zxid the tree is consistent at (the last txn the agent applied after the snapshot).</summary>
    public long Zxid { get; }

    /// <summary>Where it was read: host, snapshot file, its zxid and the txns applied after it.</summary>
    public string Description { get; }

    /// <summary>What the agent skipped or found torn while reading (newer snapshots it could not use, torn log tails).</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = [];

    /// <summary>Znodes held, ephemerals included (the copy skips them as it does on a live read).</summary>
    public int Count => _nodes.Count;

    /// <summary>Znodes held whose kind is container or TTL (the copy creates them as such).</summary>
    public int ExtendedKinds { get; private set; }

    /// <summary>Whether any znode held is a TTL znode: the target must then run with <c>zookeeper.extendedTypesEnabled=true</c>.</summary>
    public bool HasTtlNodes { get; private set; }

    string IZnodeSource.Side => "source";

    int IZnodeSource.LargestData => _largestData;

    /// <summary>
    /// Adds one znode. Parents come before their children (ReadTree's order); a znode whose parent is not held is
    /// refused, as is a second znode at the same path.
    /// </summary>
    /// <exception cref="FormatException">the parent is missing or the path was already added.</exception>
    internal void Add(string path, byte[]? data, ZooKeeperStat stat, IReadOnlyList<ZooKeeperAcl> acl, CreateMode? kind, long ttlMs)
    {
        if (path != Chroot)
        {
            var slash = path.LastIndexOf('/');
            var parent = slash == 0 ? "/" : path[..slash];
            if (!_nodes.TryGetValue(parent, out var parentNode))
            {
                throw new FormatException($"{path} came before its parent {parent}");
            }

            if (_nodes.ContainsKey(path))
            {
                throw new FormatException($"{path} came twice");
            }

            // The parent's children list is this snapshot's own: filled as its children arrive.
            ((List<string>)parentNode.Children).Add(path[(slash + 1)..]);
        }
        else if (_nodes.ContainsKey(path))
        {
            throw new FormatException($"{path} came twice");
        }

        _nodes.Add(path, new Znode(path, data, stat, new List<string>(), Intern(acl)) { StoredKind = kind, TtlMs = ttlMs });
        _largestData = Math.Max(_largestData, data?.Length ?? 0);
        if (kind is CreateMode.Container or CreateMode.PersistentWithTtl)
        {
            ExtendedKinds++;
            HasTtlNodes |= kind == CreateMode.PersistentWithTtl;
        }
    }

    /// <summary>
    /// The ACL held for <paramref name="path"/> when <paramref name="stat"/> (read from a server later) shows the same
    /// znode (czxid) with its ACL unchanged since (aversion), else null: the caller must read it.
    /// </summary>
    internal IReadOnlyList<ZooKeeperAcl>? AclIfUnchanged(string path, ZooKeeperStat stat) =>
        _nodes.TryGetValue(path, out var node) && node.Stat.Czxid == stat.Czxid && node.Stat.Aversion == stat.Aversion ? node.Acl : null;

    /// <summary>The znode held at <paramref name="path"/> (an absolute znode path), or null.</summary>
    internal Znode? Find(string path) => _nodes.GetValueOrDefault(path);

    Task<Znode?[]> IZnodeSource.ReadAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var nodes = new Znode?[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            nodes[i] = _nodes.GetValueOrDefault(paths[i]);
        }

        return Task.FromResult(nodes);
    }

    int IZnodeSource.RequestBytes(string path) => 0;

    IZnodeSource IZnodeSource.WithoutAcls() => this;

    /// <summary>One shared list per distinct ACL: a Kafka chroot has a handful of ACLs over 100,000s of znodes.</summary>
    private IReadOnlyList<ZooKeeperAcl> Intern(IReadOnlyList<ZooKeeperAcl> acl)
    {
        var key = string.Join('\n', acl.Select(a => $"{(int)a.Permissions} {a.Scheme} {a.Id}"));
        if (!_acls.TryGetValue(key, out var shared))
        {
            _acls[key] = shared = acl;
        }

        return shared;
    }
}
