using Grpc.Core;
using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.ZooKeeper;
using ProtoKind = ZkMitosis.Agent.V1.ZnodeKind;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>ReadTree: a chroot from the host's ZooKeeper data dir, streamed in chunks, gathered into one <see cref="ChrootSnapshot"/>.</summary>
public sealed partial class GrpcHostAgent
{
    /// <summary>
    /// The whole read of a big tree (a million znodes is about 100 MB read from disk and streamed): bounded, well
    /// above what the agent needs for it.
    /// </summary>
    private static readonly TimeSpan ReadTreeTimeout = TimeSpan.FromMinutes(10);

    public Task<ChrootSnapshot> ReadTreeAsync(string chroot, CancellationToken cancellationToken) =>
        retry.RunAsync(Address, "ReadTree", async ct =>
        {
            // A retry reads the whole tree again: the stream is not resumable, and the read changes nothing.
            using var call = client.ReadTree(new ReadTreeRequest { Chroot = chroot }, new CallOptions(deadline: DateTime.UtcNow + ReadTreeTimeout, cancellationToken: ct));
            ChrootSnapshot? snapshot = null;
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
            {
                snapshot ??= new ChrootSnapshot(chroot, chunk.Zxid, $"{Address}: snapshot {chunk.SnapshotFile} (zxid 0x{chunk.SnapshotZxid:x}) and {chunk.TxnsApplied} txns after it, at zxid 0x{chunk.Zxid:x}");
                foreach (var node in chunk.Nodes)
                {
                    Add(snapshot, node);
                }

                if (chunk.Last)
                {
                    if (chunk.NodeCount != snapshot.Count)
                    {
                        throw new RpcException(new Status(StatusCode.DataLoss, $"ReadTree sent {snapshot.Count} znodes where its last chunk counts {chunk.NodeCount}"));
                    }

                    snapshot.Warnings = [.. chunk.Warnings];
                    return snapshot;
                }
            }

            throw new RpcException(new Status(StatusCode.DataLoss, "ReadTree's stream ended without its last chunk"));
        }, cancellationToken);

    private static void Add(ChrootSnapshot snapshot, TreeZnode node)
    {
        var kind = node.Kind switch
        {
            ProtoKind.Container => CreateMode.Container,
            ProtoKind.Ttl => CreateMode.PersistentWithTtl,
            ProtoKind.Ephemeral => CreateMode.Ephemeral,
            _ => CreateMode.Persistent,
        };

        // As a server reports it to a client: ephemeralOwner is 0 for containers and TTL znodes.
        var owner = kind == CreateMode.Ephemeral ? node.StoredEphemeralOwner : 0;
        var stat = new ZooKeeperStat(node.Czxid, node.Mzxid, node.Ctime, node.Mtime, node.Version, node.Cversion, node.Aversion, owner, node.DataLength, node.NumChildren, node.Pzxid);
        var acl = node.Acl.Select(a => new ZooKeeperAcl((ZooKeeperPermissions)a.Perms, a.Scheme, a.Id)).ToList();
        try
        {
            snapshot.Add(node.Path, node.NullData ? null : node.Data.ToByteArray(), stat, acl, kind == CreateMode.Ephemeral ? null : kind, node.TtlMs);
        }
        catch (FormatException e)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, $"ReadTree: {e.Message}"));
        }
    }
}
