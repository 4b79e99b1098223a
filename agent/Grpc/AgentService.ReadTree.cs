using Google.Protobuf;
using Grpc.Core;
using ZkMitosis.Agent.DataDir;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.V1;
using ZkMitosis.ZooKeeper;
using Kind = ZkMitosis.Agent.DataDir.ZnodeKind;
using ProtoKind = ZkMitosis.Agent.V1.ZnodeKind;

namespace ZkMitosis.Agent.Grpc;

/// <summary>ReadTree: a chroot's tree from the configured data dir (snapshot + txn logs), streamed in bounded chunks.</summary>
public sealed partial class AgentService
{
    private const int DefaultChunkBytes = 1 << 20;
    private const int MinChunkBytes = 64 * 1024;

    /// <summary>Below gRPC's default 4 MiB receive limit, with room for the chunk's other fields.</summary>
    private const int MaxChunkBytes = 3 * 1024 * 1024;

    public override async Task ReadTree(ReadTreeRequest request, IServerStreamWriter<ReadTreeResponse> responseStream, ServerCallContext context)
    {
        RequireZooKeeper();
        var chroot = ValidChroot(request.Chroot);
        var chunkBytes = request.MaxChunkBytes == 0 ? DefaultChunkBytes : Math.Clamp(request.MaxChunkBytes, MinChunkBytes, MaxChunkBytes);
        var (dataDir, dataLogDir) = _files.DataDirectories;
        var cancellationToken = context.CancellationToken;

        // Reading is file I/O and CPU: off the request thread, so a big tree does not hold a thread-pool thread's turn.
        var read = await Task.Run(() => DataDirTreeReader.Read(dataDir, dataLogDir, chroot), cancellationToken).ConfigureAwait(false);
        var chunk = NewChunk(read);
        var size = 0;
        long sent = 0;
        foreach (var (path, node) in read.Tree.PreOrder())
        {
            var message = ToProto(path, node);
            var bytes = message.CalculateSize();
            if (chunk.Nodes.Count > 0 && size + bytes > chunkBytes)
            {
                await responseStream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                chunk = NewChunk(read);
                size = 0;
            }

            chunk.Nodes.Add(message);
            size += bytes;
            sent++;
        }

        chunk.Last = true;
        chunk.NodeCount = sent;
        chunk.Warnings.Add(read.Warnings);
        await responseStream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The chroot as a znode path; anything else is INVALID_ARGUMENT. It is only ever compared with znode paths.</summary>
    internal static string ValidChroot(string chroot)
    {
        if (chroot.Length > 4096)
        {
            throw new InvalidRequestException("chroot", $"{chroot.Length} characters; a chroot is a znode path of at most 4096");
        }

        try
        {
            ZooKeeperPath.Validate(chroot);
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException("chroot", CallerText.HasControlCharacter(chroot) ? "not a znode path: it holds a control character" : e.Message);
        }

        return chroot;
    }

    private static ReadTreeResponse NewChunk(DataDirTree read) => new()
    {
        Zxid = read.Zxid,
        SnapshotZxid = read.Snapshot.Zxid,
        SnapshotFile = Path.GetFileName(read.Snapshot.Path),
        TxnsApplied = read.TxnsApplied,
    };

    private static TreeZnode ToProto(string path, Znode node)
    {
        var message = new TreeZnode
        {
            Path = path,
            Data = node.Data is null ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(node.Data),
            NullData = node.Data is null,
            Kind = node.Kind switch
            {
                Kind.Ephemeral => ProtoKind.Ephemeral,
                Kind.Container => ProtoKind.Container,
                Kind.Ttl => ProtoKind.Ttl,
                _ => ProtoKind.Persistent,
            },
            TtlMs = node.TtlMs,
            StoredEphemeralOwner = node.EphemeralOwner,
            Czxid = node.Czxid,
            Mzxid = node.Mzxid,
            Ctime = node.Ctime,
            Mtime = node.Mtime,
            Version = node.Version,
            Cversion = node.ClientCversion,
            Aversion = node.Aversion,
            Pzxid = node.Pzxid,
            NumChildren = node.Children.Count,
            DataLength = node.Data?.Length ?? 0,
        };
        foreach (var acl in node.Acl)
        {
            message.Acl.Add(new ZnodeAcl { Perms = (int)acl.Permissions, Scheme = acl.Scheme, Id = acl.Id });
        }

        return message;
    }
}
