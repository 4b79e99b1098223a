using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Protocol;

namespace ZkMitosis.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    /// <summary>The znode ZooKeeper keeps its dynamic configuration in (never under the chroot).</summary>
    public const string ConfigNode = "/zookeeper/config";

    private static readonly ReplyParser<string> CreateParser = static (PendingReply<string> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        return r.Client.ToClientPath(body.ReadRequiredString("created path"));
    };

    private static readonly ReplyParser<CreateResult> Create2Parser = static (PendingReply<CreateResult> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        var path = r.Client.ToClientPath(body.ReadRequiredString("created path"));
        return new CreateResult(path, body.ReadStat());
    };

    private static readonly ReplyParser<bool> EmptyParser = static (PendingReply<bool> r, int error, ref JuteReader body) =>
        error == 0 ? true : throw r.Error(error);

    private static readonly ReplyParser<ZooKeeperStat?> ExistsParser = static (PendingReply<ZooKeeperStat?> r, int error, ref JuteReader body) =>
    {
        if (error == (int)KeeperErrorCode.NoNode)
        {
            if (r.Watcher is not null)
            {
                r.Client.Watches.Add(WatchKind.Exist, (string)r.State!, r.Watcher);
            }

            return null;
        }

        if (error != 0)
        {
            throw r.Error(error);
        }

        var stat = body.ReadStat();
        if (r.Watcher is not null)
        {
            r.Client.Watches.Add(WatchKind.Data, (string)r.State!, r.Watcher);
        }

        return stat;
    };

    private static readonly ReplyParser<DataResult> GetDataParser = static (PendingReply<DataResult> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        var data = body.ReadBuffer();
        var stat = body.ReadStat();
        if (r.Watcher is not null)
        {
            r.Client.Watches.Add(WatchKind.Data, (string)r.State!, r.Watcher);
        }

        return new DataResult(data ?? [], stat) { IsNullData = data is null };
    };

    private static readonly ReplyParser<ZooKeeperStat> StatParser = static (PendingReply<ZooKeeperStat> r, int error, ref JuteReader body) =>
        error == 0 ? body.ReadStat() : throw r.Error(error);

    private static readonly ReplyParser<ChildrenResult> GetChildrenParser = static (PendingReply<ChildrenResult> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        var children = body.ReadStrings();
        var stat = body.ReadStat();
        if (r.Watcher is not null)
        {
            r.Client.Watches.Add(WatchKind.Child, (string)r.State!, r.Watcher);
        }

        return new ChildrenResult(children, stat);
    };

    private static readonly ReplyParser<AclResult> GetAclParser = static (PendingReply<AclResult> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        var acl = body.ReadAcls();
        return new AclResult(acl, body.ReadStat());
    };

    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<ZooKeeperAcl>? acl = null, long ttlMs = 0, CancellationToken cancellationToken = default)
    {
        var request = PrepareCreate(path, data, mode, acl, ttlMs, create2: false);
        return request.OpCode == OpCode.Create
            ? Execute(request.OpCode, path, request, CreateRequest.Write, CreateParser, null, null, cancellationToken)
            : CreateViaCreate2Async(path, request, cancellationToken);
    }

    public Task<CreateResult> Create2Async(string path, ReadOnlyMemory<byte> data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<ZooKeeperAcl>? acl = null, long ttlMs = 0, CancellationToken cancellationToken = default)
    {
        var request = PrepareCreate(path, data, mode, acl, ttlMs, create2: true);
        return Execute(request.OpCode, path, request, CreateRequest.Write, Create2Parser, null, null, cancellationToken);
    }

    public Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return Execute(OpCode.Delete, path, (ToServerPath(path), version), static (w, s) =>
        {
            w.WriteString(s.Item1);
            w.WriteInt(s.Item2);
        }, EmptyParser, null, null, cancellationToken);
    }

    /// <summary>The znode's Stat, or null when it does not exist. A watcher fires on its creation, data change or deletion.</summary>
    public Task<ZooKeeperStat?> ExistsAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        return Execute(OpCode.Exists, path, (serverPath, watcher is not null), WritePathAndWatch, ExistsParser, serverPath, watcher, cancellationToken);
    }

    /// <summary>The znode's data and Stat. A watcher fires on its next data change or deletion.</summary>
    public Task<DataResult> GetDataAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        return Execute(OpCode.GetData, path, (serverPath, watcher is not null), WritePathAndWatch, GetDataParser, serverPath, watcher, cancellationToken);
    }

    public Task<ZooKeeperStat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return Execute(OpCode.SetData, path, new SetDataRequest(ToServerPath(path), data, version), SetDataRequest.Write, StatParser, null, null, cancellationToken);
    }

    /// <summary>Children's names and the znode's Stat (getChildren2). A watcher fires on a child change or the znode's deletion.</summary>
    public Task<ChildrenResult> GetChildrenAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        return Execute(OpCode.GetChildren2, path, (serverPath, watcher is not null), WritePathAndWatch, GetChildrenParser, serverPath, watcher, cancellationToken);
    }

    public Task<AclResult> GetAclAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return Execute(OpCode.GetAcl, path, ToServerPath(path), static (w, s) => w.WriteString(s), GetAclParser, null, null, cancellationToken);
    }

    public Task<ZooKeeperStat> SetAclAsync(string path, IReadOnlyList<ZooKeeperAcl> acl, int version = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        ValidateAcl(acl);
        return Execute(OpCode.SetAcl, path, (ToServerPath(path), acl, version), static (w, s) =>
        {
            w.WriteString(s.Item1);
            w.WriteAcls(s.acl);
            w.WriteInt(s.version);
        }, StatParser, null, null, cancellationToken);
    }

    /// <summary>Waits until the server this session is on has caught up with the leader (for reads after another client's writes).</summary>
    public Task SyncAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return Execute(OpCode.Sync, path, ToServerPath(path), static (w, s) => w.WriteString(s), static (PendingReply<bool> r, int error, ref JuteReader body) =>
        {
            if (error != 0)
            {
                throw r.Error(error);
            }

            body.ReadString();
            return true;
        }, null, null, cancellationToken);
    }

    /// <summary>
    /// Adds credentials to the session (e.g. scheme "digest", auth "user:password"). They are sent again after
    /// every reconnect. A rejection makes the client <see cref="ZooKeeperState.AuthFailed"/>.
    /// </summary>
    public Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        var entry = (scheme, auth.ToArray());
        lock (_auths)
        {
            _auths.Add(entry);
        }

        return Execute(OpCode.Auth, null, entry, static (w, a) => WriteAuth(w, a.scheme, a.Item2), EmptyParser, null, null, cancellationToken, Xid.Auth);
    }

    /// <summary>The ensemble's dynamic configuration (<c>/zookeeper/config</c>, read without the chroot) and its Stat.</summary>
    public Task<DataResult> GetConfigAsync(Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default) =>
        Execute(OpCode.GetData, ConfigNode, (ConfigNode, watcher is not null), WritePathAndWatch, GetDataParser, ConfigNode, watcher, cancellationToken);

    /// <summary>
    /// Incremental (<paramref name="joining"/>/<paramref name="leaving"/>, comma-separated) or bulk
    /// (<paramref name="newMembers"/>) reconfiguration. Needs <c>reconfigEnabled=true</c> and a super user or skipACL.
    /// Returns the new configuration.
    /// </summary>
    public Task<DataResult> ReconfigAsync(string? joining, string? leaving, string? newMembers, long fromConfig = -1, CancellationToken cancellationToken = default) =>
        Execute(OpCode.Reconfig, ConfigNode, (joining, leaving, newMembers, fromConfig), static (w, s) =>
        {
            w.WriteString(s.joining);
            w.WriteString(s.leaving);
            w.WriteString(s.newMembers);
            w.WriteLong(s.fromConfig);
        }, GetDataParser, null, null, cancellationToken);

    private static readonly Action<JuteWriter, (string Path, bool Watch)> WritePathAndWatch = static (w, s) =>
    {
        w.WriteString(s.Path);
        w.WriteBool(s.Watch);
    };

    private async Task<string> CreateViaCreate2Async(string path, CreateRequest request, CancellationToken cancellationToken)
    {
        var result = await Execute(request.OpCode, path, request, CreateRequest.Write, Create2Parser, null, null, cancellationToken).ConfigureAwait(false);
        return result.Path;
    }

    private CreateRequest PrepareCreate(string path, ReadOnlyMemory<byte>? data, CreateMode mode, IReadOnlyList<ZooKeeperAcl>? acl, long ttlMs, bool create2)
    {
        ZooKeeperPath.Validate(path, allowSequentialSuffix: mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl);
        acl ??= ZooKeeperAcl.OpenUnsafe;
        ValidateAcl(acl);
        ValidateTtl(path, mode, ttlMs);
        var opCode = mode switch
        {
            CreateMode.Container => OpCode.CreateContainer,
            CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => OpCode.CreateTtl,
            _ => create2 ? OpCode.Create2 : OpCode.Create,
        };
        return new CreateRequest(opCode, ToServerPath(path), data, acl, CreateFlags(mode), ttlMs);
    }

    internal static int CreateFlags(CreateMode mode) => mode switch
    {
        CreateMode.Persistent => 0,
        CreateMode.Ephemeral => 1,
        CreateMode.PersistentSequential => 2,
        CreateMode.EphemeralSequential => 3,
        CreateMode.Container => 4,
        CreateMode.PersistentWithTtl => 5,
        CreateMode.PersistentSequentialWithTtl => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown CreateMode"),
    };

    internal static void ValidateTtl(string path, CreateMode mode, long ttlMs)
    {
        var isTtl = mode is CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl;
        if (isTtl && ttlMs is <= 0 or > 0xFF_FFFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(ttlMs), ttlMs, $"create {path}: {mode} needs a TTL between 1 and {0xFF_FFFF_FFFF} ms");
        }

        if (!isTtl && ttlMs != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ttlMs), ttlMs, $"create {path}: a TTL is only allowed with PersistentWithTtl or PersistentSequentialWithTtl, not {mode}");
        }
    }

    internal static void ValidateAcl(IReadOnlyList<ZooKeeperAcl> acl)
    {
        ArgumentNullException.ThrowIfNull(acl);
        if (acl.Count == 0)
        {
            throw new ArgumentException("an ACL needs at least one entry (ZooKeeper answers InvalidAcl to an empty one)", nameof(acl));
        }
    }

    /// <summary>A create request ready to encode (server path, flags decided); null <see cref="Data"/> is null data.</summary>
    internal sealed record CreateRequest(int OpCode, string ServerPath, ReadOnlyMemory<byte>? Data, IReadOnlyList<ZooKeeperAcl> Acl, int Flags, long TtlMs)
    {
        public static readonly Action<JuteWriter, CreateRequest> Write = static (w, r) => r.WriteBody(w);

        /// <summary>The body's length on the wire (what <see cref="WriteBody"/> writes).</summary>
        public int BodyBytes
        {
            get
            {
                var size = JuteSize.String(ServerPath) + JuteSize.Buffer(Data) + 4 + 4;
                foreach (var entry in Acl)
                {
                    size += 4 + JuteSize.String(entry.Scheme) + JuteSize.String(entry.Id);
                }

                return OpCode == Protocol.OpCode.CreateTtl ? size + 8 : size;
            }
        }

        public void WriteBody(JuteWriter w)
        {
            w.WriteString(ServerPath);
            w.WriteNullableBuffer(Data);
            w.WriteAcls(Acl);
            w.WriteInt(Flags);
            if (OpCode == Protocol.OpCode.CreateTtl)
            {
                w.WriteLong(TtlMs);
            }
        }
    }
}
