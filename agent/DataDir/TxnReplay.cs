namespace ZkMitosis.Agent.DataDir;

/// <summary>
/// Applies one txn log record to a <see cref="ZnodeTree"/> as ZooKeeper's <c>DataTree.processTxn</c> does (apache/zookeeper
/// zookeeper-server/…/server/DataTree.java; the records are zookeeper.jute's <c>org.apache.zookeeper.txn</c> module):
/// create and create2 (CreateTxn: path, data, acl, ephemeral, parentCVersion), createContainer (CreateContainerTxn),
/// createTTL (CreateTTLTxn, with the TTL in ms), delete and deleteContainer (DeleteTxn), setData and reconfig (SetDataTxn),
/// setACL (SetACLTxn), closeSession (CloseSessionTxn: the ephemerals to delete), and multi (MultiTxn: a vector of
/// (type, bytes); nothing of it applies when one of them is an error). Records outside the chroot change nothing.
/// </summary>
public static class TxnReplay
{
    private const int Create = 1;
    private const int Delete = 2;
    private const int SetData = 5;
    private const int SetAcl = 7;
    private const int Check = 13;
    private const int Multi = 14;
    private const int Create2 = 15;
    private const int Reconfig = 16;
    private const int CreateContainer = 19;
    private const int DeleteContainer = 20;
    private const int CreateTtl = 21;
    private const int CloseSession = -11;
    private const int Error = -1;

    /// <summary>Applies the record; <paramref name="txn"/> is what follows its TxnHeader.</summary>
    /// <exception cref="InvalidTxnLogException">a multi holds an op ZooKeeper would not log, or a body does not parse.</exception>
    public static void Apply(ZnodeTree tree, TxnRecordHeader header, ReadOnlySpan<byte> txn, string logPath)
    {
        ArgumentNullException.ThrowIfNull(tree);
        if (header.Type == Multi)
        {
            ApplyMulti(tree, header, txn, logPath);
            return;
        }

        if (header.Type == CloseSession)
        {
            var reader = new JuteSpanReader(txn, logPath);
            // Without zookeeper.closeSessionTxn.enabled the record carries no list: the session's ephemerals go all the same.
            var paths = reader.Remaining >= 4 ? reader.ReadStrings() : [];
            tree.CloseSession(header.ClientId, paths, header.Zxid);
            return;
        }

        var created = ApplyOne(tree, header, header.Type, txn, logPath, out var createdPath, out var parentCversion);
        if (header.Type == Create && created == false)
        {
            tree.AdjustParentAfterExistingCreate(createdPath!, parentCversion, header.Zxid);
        }
    }

    private static void ApplyMulti(ZnodeTree tree, TxnRecordHeader header, ReadOnlySpan<byte> txn, string logPath)
    {
        var reader = new JuteSpanReader(txn, logPath);
        var count = reader.ReadInt();
        var ops = new List<(int Type, byte[] Data)>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var type = reader.ReadInt();
            ops.Add((type, reader.ReadBuffer() ?? []));
        }

        if (ops.Any(op => op.Type == Error))
        {
            return;
        }

        foreach (var (type, data) in ops)
        {
            if (type is not (Create or Create2 or CreateTtl or CreateContainer or Delete or DeleteContainer or SetData or Check or SetAcl))
            {
                throw new InvalidTxnLogException(logPath, $"zxid 0x{header.Zxid:x}: a multi holds op type {type}, which ZooKeeper does not log in a multi");
            }

            ApplyOne(tree, header, type, data, logPath, out _, out _);
        }
    }

    /// <summary>Applies one op; for creates answers whether the node was created (null for other ops).</summary>
    private static bool? ApplyOne(ZnodeTree tree, TxnRecordHeader header, int type, ReadOnlySpan<byte> txn, string logPath, out string? createdPath, out int parentCversion)
    {
        createdPath = null;
        parentCversion = -1;
        var reader = new JuteSpanReader(txn, logPath);
        switch (type)
        {
            case Create or Create2 or CreateContainer or CreateTtl:
                {
                    var path = reader.ReadString();
                    createdPath = path;
                    if (!tree.Covers(path))
                    {
                        return null;
                    }

                    var data = reader.ReadBuffer();
                    var acl = reader.ReadAcls();
                    long owner = 0;
                    if (type is Create or Create2)
                    {
                        owner = reader.ReadBool() ? header.ClientId : 0;
                        parentCversion = reader.ReadInt();
                    }
                    else if (type == CreateContainer)
                    {
                        owner = long.MinValue;
                        parentCversion = reader.ReadInt();
                    }
                    else
                    {
                        parentCversion = reader.ReadInt();
                        owner = Znode.TtlOwner(reader.ReadLong());
                    }

                    return tree.Create(path, data, acl, owner, parentCversion, header.Zxid, header.Time);
                }

            case Delete or DeleteContainer:
                {
                    var path = reader.ReadString();
                    if (tree.Covers(path))
                    {
                        tree.Delete(path, header.Zxid);
                    }

                    return null;
                }

            case SetData or Reconfig:
                {
                    var path = reader.ReadString();
                    if (tree.Covers(path))
                    {
                        var data = reader.ReadBuffer();
                        tree.SetData(path, data, reader.ReadInt(), header.Zxid, header.Time);
                    }

                    return null;
                }

            case SetAcl:
                {
                    var path = reader.ReadString();
                    if (tree.Covers(path))
                    {
                        var acl = reader.ReadAcls();
                        tree.SetAcl(path, acl, reader.ReadInt());
                    }

                    return null;
                }

            default:
                // createSession, error, check and the rest change no node.
                return null;
        }
    }
}
