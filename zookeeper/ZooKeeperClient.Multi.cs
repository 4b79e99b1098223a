using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Protocol;

namespace ZkMitosis.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    private static readonly ReplyParser<MultiResult> MultiParser = static (PendingReply<MultiResult> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        var ops = (IReadOnlyList<Op>)r.State!;
        var results = new OpResult[ops.Count];
        var index = 0;
        var committed = true;
        while (true)
        {
            var type = body.ReadInt();
            var done = body.ReadBool();
            body.ReadInt();
            if (done)
            {
                break;
            }

            if (index >= ops.Count)
            {
                throw new ZooKeeperProtocolException($"multi reply has more results than the {ops.Count} ops sent");
            }

            var path = ops[index].Path;
            results[index++] = type switch
            {
                OpCode.Create => new OpResult(path, KeeperErrorCode.Ok, r.Client.ToClientPath(body.ReadRequiredString("created path")), null),
                OpCode.Create2 => new OpResult(path, KeeperErrorCode.Ok, r.Client.ToClientPath(body.ReadRequiredString("created path")), body.ReadStat()),
                OpCode.Delete or OpCode.Check => new OpResult(path, KeeperErrorCode.Ok, null, null),
                OpCode.SetData => new OpResult(path, KeeperErrorCode.Ok, null, body.ReadStat()),
                OpCode.Error => ErrorResult(path, body.ReadInt(), ref committed),
                _ => throw new ZooKeeperProtocolException($"multi reply has a result of unknown type {type}"),
            };
        }

        if (index != ops.Count)
        {
            throw new ZooKeeperProtocolException($"multi reply has {index} results for {ops.Count} ops");
        }

        return new MultiResult(committed, results);
    };

    private static readonly ReplyParser<IReadOnlyList<ReadOpResult>> MultiReadParser = static (PendingReply<IReadOnlyList<ReadOpResult>> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        var ops = (IReadOnlyList<ReadOp>)r.State!;
        var results = new ReadOpResult[ops.Count];
        var index = 0;
        while (true)
        {
            var type = body.ReadInt();
            var done = body.ReadBool();
            body.ReadInt();
            if (done)
            {
                break;
            }

            if (index >= ops.Count)
            {
                throw new ZooKeeperProtocolException($"multiRead reply has more results than the {ops.Count} reads sent");
            }

            var path = ops[index].Path;
            switch (type)
            {
                case OpCode.GetData:
                    var data = body.ReadBuffer();
                    results[index++] = new ReadOpResult(path, KeeperErrorCode.Ok, data, null, body.ReadStat());
                    break;
                case OpCode.GetChildren:
                    results[index++] = new ReadOpResult(path, KeeperErrorCode.Ok, null, body.ReadStrings(), null);
                    break;
                case OpCode.Error:
                    results[index++] = new ReadOpResult(path, (KeeperErrorCode)body.ReadInt(), null, null, null);
                    break;
                default:
                    throw new ZooKeeperProtocolException($"multiRead reply has a result of unknown type {type}");
            }
        }

        if (index != ops.Count)
        {
            throw new ZooKeeperProtocolException($"multiRead reply has {index} results for {ops.Count} reads");
        }

        return results;
    };

    /// <summary>
    /// Applies every op or none. A rollback is a value (<see cref="MultiResult.Committed"/> false, per-op errors),
    /// not an exception; call <see cref="MultiResult.EnsureCommitted"/> to throw instead.
    /// </summary>
    public Task<MultiResult> MultiAsync(IReadOnlyList<Op> ops, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (ops.Count == 0)
        {
            return Task.FromResult(new MultiResult(true, []));
        }

        var encoded = new (int OpCode, object Request)[ops.Count];
        for (var i = 0; i < ops.Count; i++)
        {
            encoded[i] = PrepareOp(ops[i]);
        }

        return Execute(OpCode.Multi, ops[0].Path, encoded, static (w, items) =>
        {
            foreach (var (opCode, request) in items)
            {
                w.WriteInt(opCode);
                w.WriteBool(false);
                w.WriteInt(-1);
                WriteOpBody(w, request);
            }

            w.WriteInt(-1);
            w.WriteBool(true);
            w.WriteInt(-1);
        }, MultiParser, ops, null, cancellationToken);
    }

    /// <summary>
    /// Independent reads in one request (multiRead, ZooKeeper 3.6+): each result has its own error. Against a
    /// server without multiRead (it answers Unimplemented), the reads are sent as pipelined single requests.
    /// </summary>
    public async Task<IReadOnlyList<ReadOpResult>> MultiReadAsync(IReadOnlyList<ReadOp> ops, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (ops.Count == 0)
        {
            return [];
        }

        var encoded = new (int OpCode, string ServerPath)[ops.Count];
        for (var i = 0; i < ops.Count; i++)
        {
            ZooKeeperPath.Validate(ops[i].Path);
            encoded[i] = (ops[i] is ReadOp.GetDataOp ? OpCode.GetData : OpCode.GetChildren, ToServerPath(ops[i].Path));
        }

        if (!_multiReadUnsupported)
        {
            try
            {
                return await Execute(OpCode.MultiRead, ops[0].Path, encoded, static (w, items) =>
                {
                    foreach (var (opCode, path) in items)
                    {
                        w.WriteInt(opCode);
                        w.WriteBool(false);
                        w.WriteInt(-1);
                        w.WriteString(path);
                        w.WriteBool(false);
                    }

                    w.WriteInt(-1);
                    w.WriteBool(true);
                    w.WriteInt(-1);
                }, MultiReadParser, ops, null, cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.Unimplemented)
            {
                _multiReadUnsupported = true;
                ZooKeeperClientLog.MultiReadFallback(_logger, ConnectedServer ?? "?");
            }
        }

        return await SingleReadsAsync(ops, encoded, cancellationToken).ConfigureAwait(false);
    }

    private static readonly ReplyParser<ReadOpResult> SingleGetDataParser = static (PendingReply<ReadOpResult> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            return new ReadOpResult(r.Path!, (KeeperErrorCode)error, null, null, null);
        }

        var data = body.ReadBuffer();
        return new ReadOpResult(r.Path!, KeeperErrorCode.Ok, data, null, body.ReadStat());
    };

    private static readonly ReplyParser<ReadOpResult> SingleGetChildrenParser = static (PendingReply<ReadOpResult> r, int error, ref JuteReader body) =>
        error != 0
            ? new ReadOpResult(r.Path!, (KeeperErrorCode)error, null, null, null)
            : new ReadOpResult(r.Path!, KeeperErrorCode.Ok, null, body.ReadStrings(), null);

    private async Task<IReadOnlyList<ReadOpResult>> SingleReadsAsync(IReadOnlyList<ReadOp> ops, (int OpCode, string ServerPath)[] encoded, CancellationToken cancellationToken)
    {
        var tasks = new Task<ReadOpResult>[ops.Count];
        for (var i = 0; i < ops.Count; i++)
        {
            tasks[i] = Execute(encoded[i].OpCode, ops[i].Path, (encoded[i].ServerPath, false), WritePathAndWatch,
                encoded[i].OpCode == OpCode.GetData ? SingleGetDataParser : SingleGetChildrenParser, null, null, cancellationToken);
        }

        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static OpResult ErrorResult(string path, int error, ref bool committed)
    {
        if (error != 0)
        {
            committed = false;
        }

        return new OpResult(path, (KeeperErrorCode)error, null, null);
    }

    /// <summary>Bytes a multi request adds to its ops: the request header (xid, type) and the closing op header (type, done, error).</summary>
    public const int MultiOverheadBytes = 8 + 9;

    /// <summary>Bytes of a request header (xid, type), which every single request adds to its body.</summary>
    public const int RequestHeaderBytes = 8;

    /// <summary>
    /// The bytes <paramref name="op"/> takes inside a multi request on the wire (op header, path with the chroot,
    /// data, ACL, flags; jute encoding). A multi's frame is <see cref="MultiOverheadBytes"/> plus the sum over its
    /// ops, and a server refuses a frame above its <c>jute.maxbuffer</c> by closing the connection.
    /// </summary>
    /// <exception cref="ArgumentException">the op is not valid (bad path, empty ACL, …).</exception>
    public int MultiOpBytes(Op op) => 9 + OpBodyBytes(PrepareOp(op).Request);

    /// <summary>The frame bytes of <paramref name="op"/> sent alone by <see cref="SingleAsync"/>: 18 bytes fewer than a multi holding only it.</summary>
    /// <exception cref="ArgumentException">the op is not valid (bad path, empty ACL, …).</exception>
    public int SingleRequestBytes(Op op) => RequestHeaderBytes + OpBodyBytes(PrepareOp(op).Request);

    /// <summary>The bytes <paramref name="op"/> takes inside a multiRead request (op header, path with the chroot, watch flag).</summary>
    public int MultiReadOpBytes(ReadOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return 9 + JuteSize.String(ToServerPath(op.Path)) + 1;
    }

    /// <summary>
    /// Sends one write op as its own request (create, createContainer, createTTL, setData or delete), not inside
    /// a multi: the form for a znode so large that a multi's extra 18 bytes would put it over the frame limit.
    /// Returns the op's result; a server error throws <see cref="KeeperException"/> naming the path.
    /// </summary>
    /// <exception cref="ArgumentException">a check op (it exists only inside a multi), or an invalid op.</exception>
    public Task<OpResult> SingleAsync(Op op, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (op is Op.CheckOp)
        {
            throw new ArgumentException($"check of {op.Path}: a version check exists only inside a multi", nameof(op));
        }

        var (opCode, request) = PrepareOp(op);
        return Execute(opCode, op.Path, request, static (w, r) => WriteOpBody(w, r), SingleOpParser, opCode, null, cancellationToken);
    }

    private static readonly ReplyParser<OpResult> SingleOpParser = static (PendingReply<OpResult> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        var path = r.Path!;
        return (int)r.State! switch
        {
            // createContainer and createTTL answer as create2 does (path and Stat).
            OpCode.Create => new OpResult(path, KeeperErrorCode.Ok, r.Client.ToClientPath(body.ReadRequiredString("created path")), null),
            OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl => new OpResult(path, KeeperErrorCode.Ok, r.Client.ToClientPath(body.ReadRequiredString("created path")), body.ReadStat()),
            OpCode.SetData => new OpResult(path, KeeperErrorCode.Ok, null, body.ReadStat()),
            _ => new OpResult(path, KeeperErrorCode.Ok, null, null),
        };
    };

    private static void WriteOpBody(JuteWriter w, object request)
    {
        switch (request)
        {
            case CreateRequest create:
                create.WriteBody(w);
                break;
            case SetDataRequest setData:
                setData.WriteBody(w);
                break;
            case PathVersionRequest pathVersion:
                w.WriteString(pathVersion.ServerPath);
                w.WriteInt(pathVersion.Version);
                break;
        }
    }

    private static int OpBodyBytes(object request) => request switch
    {
        CreateRequest create => create.BodyBytes,
        SetDataRequest setData => JuteSize.String(setData.ServerPath) + JuteSize.Buffer(setData.Data) + 4,
        PathVersionRequest pathVersion => JuteSize.String(pathVersion.ServerPath) + 4,
        _ => throw new ArgumentException($"unsupported request {request.GetType().Name}", nameof(request)),
    };

    private (int OpCode, object Request) PrepareOp(Op op)
    {
        switch (op)
        {
            case Op.CreateOp create:
                var request = PrepareCreate(create.Path, create.Data, create.Mode, create.Acl, create.TtlMs, create2: false);
                return (request.OpCode, request);
            case Op.DeleteOp delete:
                ZooKeeperPath.Validate(delete.Path);
                return (OpCode.Delete, new PathVersionRequest(ToServerPath(delete.Path), delete.Version));
            case Op.SetDataOp setData:
                ZooKeeperPath.Validate(setData.Path);
                return (OpCode.SetData, new SetDataRequest(ToServerPath(setData.Path), setData.Data, setData.Version));
            case Op.CheckOp check:
                ZooKeeperPath.Validate(check.Path);
                return (OpCode.Check, new PathVersionRequest(ToServerPath(check.Path), check.Version));
            default:
                throw new ArgumentException($"unsupported op {op.GetType().Name} for {op.Path}", nameof(op));
        }
    }

    /// <summary>setData's body; null <see cref="Data"/> is null data (length −1).</summary>
    internal sealed record SetDataRequest(string ServerPath, ReadOnlyMemory<byte>? Data, int Version)
    {
        public static readonly Action<JuteWriter, SetDataRequest> Write = static (w, r) => r.WriteBody(w);

        public void WriteBody(JuteWriter w)
        {
            w.WriteString(ServerPath);
            w.WriteNullableBuffer(Data);
            w.WriteInt(Version);
        }
    }

    /// <summary>The body of delete and check: a path and a version.</summary>
    internal sealed record PathVersionRequest(string ServerPath, int Version);
}
