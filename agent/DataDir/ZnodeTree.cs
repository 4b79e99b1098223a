using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Agent.DataDir;

/// <summary>
/// The znodes under one chroot (the chroot itself included), changed exactly as ZooKeeper's <c>DataTree</c> changes its
/// nodes when it replays a txn log over a fuzzy snapshot (<c>createNode</c>, <c>deleteNode</c>, <c>setData</c>,
/// <c>setACL</c>, <c>killSession</c>; apache/zookeeper zookeeper-server/…/server/DataTree.java): a replayed create of a
/// node that exists takes the txn's ACL and fails, a delete of a missing node still updates the parent's pzxid. Nodes
/// outside the chroot are never kept, so memory follows the chroot's size, not the ensemble's.
/// </summary>
public sealed class ZnodeTree
{
    private readonly Dictionary<string, Znode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, HashSet<string>> _ephemerals = [];
    private readonly string _prefix;

    /// <param name="chroot">A valid znode path; "/" keeps the whole tree.</param>
    public ZnodeTree(string chroot)
    {
        Chroot = chroot;
        _prefix = chroot == "/" ? "/" : chroot + "/";
    }

    public string Chroot { get; }

    public int Count => _nodes.Count;

    /// <summary>Bytes of data held (for the memory bound).</summary>
    public long DataBytes { get; private set; }

    /// <summary>True when <paramref name="path"/> is the chroot or below it.</summary>
    public bool Covers(string path) => path == Chroot || path.StartsWith(_prefix, StringComparison.Ordinal);

    public Znode? Get(string path) => _nodes.GetValueOrDefault(path);

    /// <summary>Adds a node read from a snapshot; its parent (when covered) must be there already (snapshots are pre-order).</summary>
    public void AddFromSnapshot(string path, Znode node, string snapshotPath)
    {
        if (path != "/" && Covers(Parent(path)))
        {
            var parent = Get(Parent(path)) ?? throw new InvalidSnapshotException(snapshotPath, $"node {path} comes before its parent");
            parent.Children.Add(Name(path));
        }

        _nodes[path] = node;
        DataBytes += node.Data?.Length ?? 0;
        Track(path, node.EphemeralOwner);
    }

    /// <summary>DataTree.createNode: false (and the existing node takes the ACL) when the node exists or its parent does not.</summary>
    public bool Create(string path, byte[]? data, IReadOnlyList<ZooKeeperAcl> acl, long ephemeralOwner, int parentCversion, long zxid, long time)
    {
        Znode? parent = null;
        if (Covers(Parent(path)))
        {
            parent = Get(Parent(path));
            if (parent is null)
            {
                return false;
            }
        }

        if (_nodes.TryGetValue(path, out var existing))
        {
            existing.Acl = acl;
            return false;
        }

        if (parent is not null)
        {
            SetCversionPzxid(parent, parentCversion, zxid);
            parent.Children.Add(Name(path));
        }

        _nodes[path] = new Znode
        {
            Data = data,
            Acl = acl,
            Czxid = zxid,
            Mzxid = zxid,
            Pzxid = zxid,
            Ctime = time,
            Mtime = time,
            EphemeralOwner = ephemeralOwner,
        };
        DataBytes += data?.Length ?? 0;
        Track(path, ephemeralOwner);
        return true;
    }

    /// <summary>
    /// The fix DataTree.processTxn applies when a replayed top-level create meets an existing node (the node was deleted
    /// with a closed session and created again after the snapshot serialized its parent): the parent takes the txn's
    /// cversion and pzxid when they are newer.
    /// </summary>
    public void AdjustParentAfterExistingCreate(string path, int parentCversion, long zxid)
    {
        if (Covers(Parent(path)) && Get(Parent(path)) is { } parent)
        {
            SetCversionPzxid(parent, parentCversion, zxid);
        }
    }

    /// <summary>DataTree.deleteNode: the parent forgets the child and takes a newer pzxid even when the node is missing.</summary>
    public void Delete(string path, long zxid)
    {
        if (path == "/")
        {
            return;
        }

        if (Covers(Parent(path)))
        {
            if (Get(Parent(path)) is not { } parent)
            {
                return;
            }

            parent.Children.Remove(Name(path));
            if (zxid > parent.Pzxid)
            {
                parent.Pzxid = zxid;
            }
        }

        if (_nodes.Remove(path, out var node))
        {
            DataBytes -= node.Data?.Length ?? 0;
            if (_ephemerals.TryGetValue(node.EphemeralOwner, out var owned))
            {
                owned.Remove(path);
            }
        }
    }

    /// <summary>DataTree.setData: the txn carries the new version.</summary>
    public void SetData(string path, byte[]? data, int version, long zxid, long time)
    {
        if (Get(path) is { } node)
        {
            DataBytes += (data?.Length ?? 0) - (node.Data?.Length ?? 0);
            node.Data = data;
            node.Mtime = time;
            node.Mzxid = zxid;
            node.Version = version;
        }
    }

    /// <summary>DataTree.setACL: the txn carries the new aversion.</summary>
    public void SetAcl(string path, IReadOnlyList<ZooKeeperAcl> acl, int version)
    {
        if (Get(path) is { } node)
        {
            node.Acl = acl;
            node.Aversion = version;
        }
    }

    /// <summary>DataTree.killSession: the paths the txn names, then whatever else the session still owns.</summary>
    public void CloseSession(long sessionId, IReadOnlyList<string> pathsToDelete, long zxid)
    {
        foreach (var path in pathsToDelete)
        {
            if (Get(path) is { } node && node.EphemeralOwner == sessionId)
            {
                Delete(path, zxid);
            }
        }

        if (_ephemerals.Remove(sessionId, out var owned))
        {
            foreach (var path in owned.ToList())
            {
                Delete(path, zxid);
            }
        }
    }

    /// <summary>Every node, parents before children, siblings in ordinal order.</summary>
    public IEnumerable<(string Path, Znode Node)> PreOrder()
    {
        if (Get(Chroot) is not { } top)
        {
            yield break;
        }

        var stack = new Stack<(string, Znode)>();
        stack.Push((Chroot, top));
        while (stack.Count > 0)
        {
            var (path, node) = stack.Pop();
            yield return (path, node);
            foreach (var child in node.Children.OrderByDescending(c => c, StringComparer.Ordinal))
            {
                var childPath = path == "/" ? "/" + child : path + "/" + child;
                if (Get(childPath) is { } childNode)
                {
                    stack.Push((childPath, childNode));
                }
            }
        }
    }

    /// <summary>The parent of a path ("/" for a top-level node).</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    private void Track(string path, long ephemeralOwner)
    {
        if (Znode.KindOf(ephemeralOwner) == ZnodeKind.Ephemeral)
        {
            if (!_ephemerals.TryGetValue(ephemeralOwner, out var owned))
            {
                _ephemerals[ephemeralOwner] = owned = new HashSet<string>(StringComparer.Ordinal);
            }

            owned.Add(path);
        }
    }

    private static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static void SetCversionPzxid(Znode parent, int cversion, long zxid)
    {
        // parentCVersion -1 means "one more than now" (DataTree.createNode and setCversionPzxid).
        var wanted = cversion == -1 ? parent.StoredCversion + 1 : cversion;
        if (wanted > parent.StoredCversion)
        {
            parent.StoredCversion = wanted;
            parent.Pzxid = zxid;
        }
    }
}
