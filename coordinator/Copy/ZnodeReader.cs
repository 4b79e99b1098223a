using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// Reads many znodes at once (data, stat, children, ACL) with every request pipelined. A znode that does
/// not exist reads as null; any other error stops the walk with a <see cref="CopyException"/> naming it.
/// With an <c>aclBase</c> (a snapshot of the same tree read earlier), a znode whose czxid and aversion are the
/// base's takes the base's ACL without a getACL: ZooKeeper has no multi form of getACL, so that round trip per znode
/// is what holds a copy with ACLs to about a third of the rate without.
/// </summary>
internal sealed class ZnodeReader(ZooKeeperClient client, ReadPath readPath, string side, bool readAcls = true, ChrootSnapshot? aclBase = null) : IZnodeSource
{
    public string Side { get; } = side;

    public ZooKeeperClient Client { get; } = client;

    private int _largestData;

    /// <summary>The largest data seen so far, so the walk can size its requests to keep replies bounded.</summary>
    public int LargestData => Volatile.Read(ref _largestData);

    /// <inheritdoc/>
    public int RequestBytes(string path) => Client.MultiReadOpBytes(ReadOp.GetData(path));

    /// <inheritdoc/>
    public IZnodeSource WithoutAcls() => new ZnodeReader(Client, readPath, Side, readAcls: false);

    /// <inheritdoc/>
    public Task<Znode?[]> ReadAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) => ReadAsync(paths, null, cancellationToken);

    /// <summary>
    /// As <see cref="ReadAsync(IReadOnlyList{string}, CancellationToken)"/>; a znode whose entry in
    /// <paramref name="assumedAcls"/> is not null takes that ACL without a getACL (a mirror's pass over a target it wrote
    /// from the same snapshot: the block's diff reads every target ACL).
    /// </summary>
    public async Task<Znode?[]> ReadAsync(IReadOnlyList<string> paths, IReadOnlyList<IReadOnlyList<ZooKeeperAcl>?>? assumedAcls, CancellationToken cancellationToken)
    {
        if (paths.Count == 0)
        {
            return [];
        }

        // Without a base, every ACL read is sent at once with the data reads (pipelined); with one, only after the
        // data reads, for the znodes the base cannot answer for.
        var acls = !readAcls ? [.. paths.Select(_ => Task.FromResult<IReadOnlyList<ZooKeeperAcl>?>(ZooKeeperAcl.OpenUnsafe))]
            : aclBase is null ? paths.Select((p, i) => assumedAcls?[i] is { } assumed ? Task.FromResult<IReadOnlyList<ZooKeeperAcl>?>(assumed) : ReadAclAsync(p, cancellationToken)).ToArray()
            : null;
        var nodes = readPath == ReadPath.MultiRead
            ? await ReadWithMultiReadAsync(paths, cancellationToken).ConfigureAwait(false)
            : await ReadPerOpAsync(paths, cancellationToken).ConfigureAwait(false);
        var fromBase = new bool[nodes.Length];
        if (acls is null)
        {
            acls = new Task<IReadOnlyList<ZooKeeperAcl>?>[nodes.Length];
            for (var i = 0; i < nodes.Length; i++)
            {
                var known = nodes[i] is { } n ? aclBase!.AclIfUnchanged(paths[i], n.Stat) : null;
                fromBase[i] = known is not null;
                acls[i] = nodes[i] is null || known is not null ? Task.FromResult(known) : ReadAclAsync(paths[i], cancellationToken);
            }
        }
        var aclResults = await Task.WhenAll(acls).ConfigureAwait(false);
        for (var i = 0; i < nodes.Length; i++)
        {
            if (nodes[i] is { } node)
            {
                // Deleted between the reads: treat as gone; recreated in between: the ACL is still the one to copy.
                nodes[i] = aclResults[i] is { } acl ? node with { Acl = fromBase[i] || Side != "source" ? acl : CheckNotMasked(node.Path, acl), AclFromBase = fromBase[i] } : null;
                if (node.DataLength > LargestData)
                {
                    Interlocked.Exchange(ref _largestData, Math.Max(LargestData, node.DataLength));
                }
            }
        }

        return nodes;
    }

    private async Task<Znode?[]> ReadWithMultiReadAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var ops = new List<ReadOp>(paths.Count * 2);
        foreach (var path in paths)
        {
            ops.Add(ReadOp.GetData(path));
            ops.Add(ReadOp.GetChildren(path));
        }

        IReadOnlyList<ReadOpResult> results;
        try
        {
            results = await Client.MultiReadAsync(ops, cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e)
        {
            throw CopyException.FromKeeper(Side, "reading", paths[0], e);
        }

        var nodes = new Znode?[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            var data = results[2 * i];
            var children = results[(2 * i) + 1];
            if (data.Error == KeeperErrorCode.NoNode || children.Error == KeeperErrorCode.NoNode)
            {
                continue;
            }

            Check(data, paths[i]);
            Check(children, paths[i]);
            nodes[i] = new Znode(paths[i], data.Data, data.Stat!, children.Children ?? [], []);
        }

        return nodes;
    }

    private async Task<Znode?[]> ReadPerOpAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var data = await Task.WhenAll(paths.Select(p => ReadDataAsync(p, cancellationToken))).ConfigureAwait(false);

        // Most znodes are leaves: ask for children only where the stat says there are some.
        var children = await Task.WhenAll(data.Select((d, i) => d is { Stat.NumChildren: > 0 }
            ? ReadChildrenAsync(paths[i], cancellationToken)
            : Task.FromResult<IReadOnlyList<string>?>(d is null ? null : []))).ConfigureAwait(false);
        var nodes = new Znode?[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            if (data[i] is { } d && children[i] is { } c)
            {
                nodes[i] = new Znode(paths[i], d.NullableData, d.Stat, c, []);
            }
        }

        return nodes;
    }

    private async Task<DataResult?> ReadDataAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.GetDataAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return null;
        }
        catch (KeeperException e)
        {
            throw CopyException.FromKeeper(Side, "reading", path, e);
        }
    }

    private async Task<IReadOnlyList<string>?> ReadChildrenAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await Client.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return null;
        }
        catch (KeeperException e)
        {
            throw CopyException.FromKeeper(Side, "listing the children of", path, e);
        }
    }

    private async Task<IReadOnlyList<ZooKeeperAcl>?> ReadAclAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await Client.GetAclAsync(path, cancellationToken).ConfigureAwait(false)).Acl;
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return null;
        }
        catch (KeeperException e)
        {
            throw CopyException.FromKeeper(Side, "reading the ACL of", path, e);
        }
    }

    /// <summary>
    /// Since 3.6 a session without ADMIN on a znode reads digest ids as <c>user:x</c>; copying that from the
    /// source would lock everyone out, so it is an error naming the path. (On the target a masked ACL simply
    /// differs from the source's, and changing it needs the ADMIN the copy then reports as missing.)
    /// </summary>
    private IReadOnlyList<ZooKeeperAcl> CheckNotMasked(string path, IReadOnlyList<ZooKeeperAcl> acl)
    {
        foreach (var entry in acl)
        {
            if (entry.Scheme == "digest" && entry.Id.EndsWith(":x", StringComparison.Ordinal))
            {
                throw new CopyException($"{Side}: the ACL of {path} reads as {entry.Id}: the server hides digest ids from a session without ADMIN permission; authenticate with --{Side}-auth", path, KeeperErrorCode.NoAuth);
            }
        }

        return acl;
    }

    private void Check(ReadOpResult result, string path)
    {
        if (result.Error != KeeperErrorCode.Ok)
        {
            throw new CopyException($"{Side}: reading {path} failed: {result.Error}{(result.Error == KeeperErrorCode.NoAuth ? " (no permission: add credentials with --source-auth/--target-auth)" : string.Empty)}", path, result.Error);
        }
    }
}
