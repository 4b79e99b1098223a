namespace ZkMitosis.ZooKeeper;

/// <summary>One operation of an atomic <see cref="ZooKeeperClient.MultiAsync"/>; build with the factories.</summary>
public abstract record Op(string Path)
{
    public static Op Create(string path, ReadOnlyMemory<byte> data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<ZooKeeperAcl>? acl = null, long ttlMs = 0) =>
        new CreateOp(path, data, mode, acl ?? ZooKeeperAcl.OpenUnsafe, ttlMs);

    /// <summary>
    /// A create with null data (jute buffer length −1), which ZooKeeper keeps apart from empty data: what the Java
    /// client's <c>create(path, null, …)</c> and zkCli's <c>create /x</c> make. getData returns it as null.
    /// </summary>
    public static Op CreateWithNullData(string path, CreateMode mode = CreateMode.Persistent, IReadOnlyList<ZooKeeperAcl>? acl = null, long ttlMs = 0) =>
        new CreateOp(path, null, mode, acl ?? ZooKeeperAcl.OpenUnsafe, ttlMs);

    /// <summary>A create with <paramref name="data"/>, null meaning null data (see <see cref="CreateWithNullData"/>).</summary>
    public static Op CreateNullable(string path, byte[]? data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<ZooKeeperAcl>? acl = null, long ttlMs = 0) =>
        new CreateOp(path, data is null ? (ReadOnlyMemory<byte>?)null : data, mode, acl ?? ZooKeeperAcl.OpenUnsafe, ttlMs);

    public static Op Delete(string path, int version = -1) => new DeleteOp(path, version);

    public static Op SetData(string path, ReadOnlyMemory<byte> data, int version = -1) => new SetDataOp(path, data, version);

    /// <summary>A setData with <paramref name="data"/>, null meaning null data (length −1), as the Java client's <c>setData(path, null, v)</c>.</summary>
    public static Op SetDataNullable(string path, byte[]? data, int version = -1) => new SetDataOp(path, data is null ? (ReadOnlyMemory<byte>?)null : data, version);

    /// <summary>Fails the whole multi unless the znode's version is <paramref name="version"/>.</summary>
    public static Op Check(string path, int version) => new CheckOp(path, version);

    internal sealed record CreateOp(string Path, ReadOnlyMemory<byte>? Data, CreateMode Mode, IReadOnlyList<ZooKeeperAcl> Acl, long TtlMs) : Op(Path);

    internal sealed record DeleteOp(string Path, int Version) : Op(Path);

    internal sealed record SetDataOp(string Path, ReadOnlyMemory<byte>? Data, int Version) : Op(Path);

    internal sealed record CheckOp(string Path, int Version) : Op(Path);
}

/// <summary>
/// What happened to one op of a multi. <paramref name="Error"/> is Ok for a success; when the multi was rolled back,
/// the op that failed carries its error, ops before it Ok and ops after it RuntimeInconsistency.
/// <paramref name="CreatedPath"/> is set for creates, <paramref name="Stat"/> for setData (and creates when the server sends one).
/// </summary>
public sealed record OpResult(string Path, KeeperErrorCode Error, string? CreatedPath, ZooKeeperStat? Stat);

/// <summary>The outcome of an atomic multi: committed (every op applied) or not (none applied).</summary>
public sealed record MultiResult(bool Committed, IReadOnlyList<OpResult> Results)
{
    /// <summary>The op that made the multi fail (not the RuntimeInconsistency "rolled back" ones); null when committed.</summary>
    public OpResult? FirstFailure => Results.FirstOrDefault(r => r.Error is not KeeperErrorCode.Ok and not KeeperErrorCode.RuntimeInconsistency)
        ?? Results.FirstOrDefault(r => r.Error is not KeeperErrorCode.Ok);

    /// <summary>Returns this result when committed; otherwise throws <see cref="KeeperException"/> with the failing op's code and path.</summary>
    public MultiResult EnsureCommitted()
    {
        if (Committed)
        {
            return this;
        }

        var failure = FirstFailure;
        throw new KeeperException(failure?.Error ?? KeeperErrorCode.RuntimeInconsistency, failure?.Path, "multi rolled back");
    }
}

/// <summary>One read of <see cref="ZooKeeperClient.MultiReadAsync"/>.</summary>
public abstract record ReadOp(string Path)
{
    public static ReadOp GetData(string path) => new GetDataOp(path);

    /// <summary>The children's names (multiRead's getChildren carries no Stat).</summary>
    public static ReadOp GetChildren(string path) => new GetChildrenOp(path);

    internal sealed record GetDataOp(string Path) : ReadOp(Path);

    internal sealed record GetChildrenOp(string Path) : ReadOp(Path);
}

/// <summary>
/// One read's result: reads are independent, so each has its own error (Ok on success). <paramref name="Data"/> is
/// null for an error, for a getChildren, and for a znode whose data is null (created without data).
/// </summary>
public sealed record ReadOpResult(string Path, KeeperErrorCode Error, byte[]? Data, IReadOnlyList<string>? Children, ZooKeeperStat? Stat);
