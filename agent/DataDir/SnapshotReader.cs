using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Agent.DataDir;

/// <summary>What a snapshot's header and seals said.</summary>
/// <param name="Path">The file read.</param>
/// <param name="Zxid">The zxid in its name: the last txn applied when the (fuzzy) snapshot started.</param>
/// <param name="DbId">FileHeader.dbid.</param>
/// <param name="Sessions">Sessions the snapshot lists.</param>
/// <param name="HasDigest">True when a ZxidDigest section followed the tree (ZooKeeper 3.6+ with digests enabled).</param>
public sealed record SnapshotInfo(string Path, long Zxid, long DbId, int Sessions, bool HasDigest);

/// <summary>
/// Reads a ZooKeeper snapshot file (<c>dataDir/version-2/snapshot.ZXID</c>) into a <see cref="ZnodeTree"/>, keeping only the
/// chroot's nodes. The layout, from apache/zookeeper's <c>FileSnap.serialize</c>, <c>SerializeUtils.serializeSnapshot</c>,
/// <c>DataTree.serialize</c>, <c>ReferenceCountedACLCache.serialize</c>, <c>DataNode.serialize</c> and
/// <c>SnapStream.sealStream</c>, big-endian jute:
/// <code>
/// FileHeader   magic "ZKSN" (int) | version (int) | dbid (long)
/// sessions     count (int) | count × (id long, timeout int)
/// ACL cache    count (int) | count × (id long, vector&lt;ACL(perms int, scheme ustring, id ustring)&gt;)
/// nodes        path (ustring; the root is "") | data (buffer) | acl id (long; -1 = world:anyone:cdrwa) |
///              StatPersisted (czxid, mzxid, ctime, mtime long; version, cversion, aversion int; ephemeralOwner, pzxid long)
///              … pre-order, until the path "/"
/// seal         Adler-32 of every byte before it (long) | "/" (ustring)
/// [digest]     ZxidDigest (zxid long, digestVersion int, digest long) | seal    (3.6+, zookeeper.digest.enabled)
/// [last zxid]  lastProcessedZxid (long) | seal                                   (3.9+, when enabled)
/// </code>
/// A snapshot written with <c>zookeeper.snapshot.compression.method</c> gz or snappy (3.6+, named <c>snapshot.ZXID.gz</c> /
/// <c>.snappy</c>) is refused: only the default, uncompressed format is read.
/// </summary>
public static class SnapshotReader
{
    /// <summary>"ZKSN" read as a big-endian int (FileSnap.SNAP_MAGIC).</summary>
    public const int Magic = 0x5A4B534E;

    /// <summary>Bound on one znode's path (bytes); ZooKeeper bounds a request by jute.maxbuffer, so this is generous.</summary>
    private const int MaxPathBytes = 16 * 1024 * 1024;

    /// <summary>Bound on one buffer (data or digest); far above any jute.maxbuffer a server runs.</summary>
    private const int MaxDataBytes = 512 * 1024 * 1024;

    /// <summary>Reads <paramref name="path"/> into <paramref name="tree"/>.</summary>
    /// <exception cref="InvalidSnapshotException">the file is not a complete, intact, uncompressed snapshot.</exception>
    public static SnapshotInfo Read(string path, ZnodeTree tree, long maxTreeBytes = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var name = System.IO.Path.GetFileName(path);
        if (!DataDirInspector.TryNameZxid(name, "snapshot.", out var zxid))
        {
            throw new InvalidSnapshotException(path, "not named snapshot.<zxid in hex>");
        }

        if (name.Count(c => c == '.') > 1)
        {
            throw new InvalidSnapshotException(path, $"compressed snapshot ('{name[(name.LastIndexOf('.') + 1)..]}', zookeeper.snapshot.compression.method): only uncompressed snapshots are read; set the method to none (ZooKeeper reads both) and wait for the next snapshot");
        }

        using var reader = new JuteFileReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16), path);
        var magic = reader.ReadInt();
        if (magic != Magic)
        {
            throw new InvalidSnapshotException(path, $"bad magic 0x{magic:x8} (a snapshot starts with \"ZKSN\")");
        }

        _ = reader.ReadInt();
        var dbId = reader.ReadLong();
        var sessions = reader.ReadInt();
        if (sessions < 0)
        {
            throw new InvalidSnapshotException(path, $"negative session count {sessions}");
        }

        for (var i = 0; i < sessions; i++)
        {
            _ = reader.ReadLong();
            _ = reader.ReadInt();
        }

        var acls = ReadAclCache(reader, path);
        ReadNodes(reader, path, tree, acls, maxTreeBytes);
        Seal(reader, path, "tree");
        var hasDigest = false;
        if (!reader.AtEnd)
        {
            // ZxidDigest, then its own seal; a file cut inside it is as torn as one cut inside the tree.
            _ = reader.ReadLong();
            _ = reader.ReadInt();
            _ = reader.ReadLong();
            Seal(reader, path, "digest");
            hasDigest = true;
        }

        if (!reader.AtEnd)
        {
            _ = reader.ReadLong();
            Seal(reader, path, "last processed zxid");
        }

        if (!reader.AtEnd)
        {
            throw new InvalidSnapshotException(path, $"unexpected bytes after the last seal at byte {reader.Offset}");
        }

        return new SnapshotInfo(path, zxid, dbId, sessions, hasDigest);
    }

    private static Dictionary<long, IReadOnlyList<ZooKeeperAcl>> ReadAclCache(JuteFileReader reader, string path)
    {
        var count = reader.ReadInt();
        if (count < 0)
        {
            throw new InvalidSnapshotException(path, $"negative ACL cache size {count}");
        }

        var acls = new Dictionary<long, IReadOnlyList<ZooKeeperAcl>>();
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadLong();
            acls[id] = ReadAclVector(reader, path);
        }

        return acls;
    }

    private static List<ZooKeeperAcl> ReadAclVector(JuteFileReader reader, string path)
    {
        var entries = reader.ReadInt();
        if (entries < -1)
        {
            throw new InvalidSnapshotException(path, $"ACL vector length {entries} at byte {reader.Offset - 4}");
        }

        var list = new List<ZooKeeperAcl>(Math.Max(0, Math.Min(entries, 64)));
        for (var j = 0; j < entries; j++)
        {
            var perms = (ZooKeeperPermissions)reader.ReadInt();
            var scheme = reader.ReadString(MaxPathBytes) ?? "";
            var id = reader.ReadString(MaxPathBytes) ?? "";
            list.Add(new ZooKeeperAcl(perms, scheme, id));
        }

        return list;
    }

    private static void ReadNodes(JuteFileReader reader, string path, ZnodeTree tree, Dictionary<long, IReadOnlyList<ZooKeeperAcl>> acls, long maxTreeBytes)
    {
        while (true)
        {
            var nodePath = reader.ReadString(MaxPathBytes) ?? throw new InvalidSnapshotException(path, $"null path at byte {reader.Offset - 4}");
            if (nodePath == "/")
            {
                return;
            }

            // The root is serialized as "" (DataTree.serializeNode starts from an empty StringBuilder).
            var znodePath = nodePath.Length == 0 ? "/" : nodePath;
            if (!tree.Covers(znodePath))
            {
                reader.SkipBuffer(MaxDataBytes);
                reader.ReadLong();
                SkipStat(reader);
                continue;
            }

            var data = reader.ReadBuffer(MaxDataBytes);
            var aclId = reader.ReadLong();
            IReadOnlyList<ZooKeeperAcl> acl;
            if (aclId == -1)
            {
                acl = ZooKeeperAcl.OpenUnsafe;
            }
            else if (!acls.TryGetValue(aclId, out acl!))
            {
                throw new InvalidSnapshotException(path, $"node {znodePath} refers to ACL {aclId}, which the snapshot's ACL cache does not hold");
            }

            var node = new Znode
            {
                Data = data,
                Acl = acl,
                Czxid = reader.ReadLong(),
                Mzxid = reader.ReadLong(),
                Ctime = reader.ReadLong(),
                Mtime = reader.ReadLong(),
                Version = reader.ReadInt(),
                StoredCversion = reader.ReadInt(),
                Aversion = reader.ReadInt(),
                EphemeralOwner = reader.ReadLong(),
                Pzxid = reader.ReadLong(),
            };
            tree.AddFromSnapshot(znodePath, node, path);
            TreeTooLargeException.ThrowIfOver(tree, maxTreeBytes);
        }
    }

    private static void SkipStat(JuteFileReader reader)
    {
        for (var i = 0; i < 4; i++)
        {
            reader.ReadLong();
        }

        for (var i = 0; i < 3; i++)
        {
            reader.ReadInt();
        }

        reader.ReadLong();
        reader.ReadLong();
    }

    /// <summary>SnapStream.checkSealIntegrity: the Adler-32 of everything before, then the string "/".</summary>
    private static void Seal(JuteFileReader reader, string path, string section)
    {
        var expected = reader.Checksum;
        var stored = reader.ReadLong();
        var slash = reader.ReadString(16);
        if ((ulong)stored != expected)
        {
            throw new InvalidSnapshotException(path, $"checksum mismatch after the {section} (stored 0x{stored:x}, computed 0x{expected:x8}): the file is corrupt");
        }

        if (slash != "/")
        {
            throw new InvalidSnapshotException(path, $"the seal after the {section} does not end with \"/\"");
        }
    }
}
