using ZkMitosis.Coordinator.Copy;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Mirror;

/// <summary>
/// Makes one target znode equal to its source znode as the source is now (data, null data apart from empty, ACL,
/// data version, kind), creating missing ancestors and deleting what the source no longer has. A watch event says
/// only that a znode changed; reading the source after the event gives a state at least as new, so applying any
/// event is idempotent and a later event of the same znode never undoes it.
/// </summary>
/// <remarks>
/// Ephemerals are not mirrored (as <c>zkmitosis copy</c> does): their owners' sessions end with the move and
/// recreate them on the target; a persistent target znode where the source has an ephemeral is deleted so the owner
/// does not collide with it. A target version above the source's, or the same version with other data, means the
/// source znode was deleted and created again between two reads: the target subtree is deleted and created anew.
/// Sequential counters are raised later (<see cref="ReconcileCountersAsync"/>), once every creation of a parent's
/// children up to a known zxid has been applied; raising them earlier would overshoot.
/// </remarks>
internal sealed class ZnodeApplier(ZooKeeperClient source, ZooKeeperClient target, MirrorOptions options, MirrorCounters counters)
{
    private readonly ZnodeReader _sourceReader = new(source, ReadPath.MultiRead, "source");
    private readonly ZnodeReader _targetReader = new(target, ReadPath.MultiRead, "target");
    private readonly HashSet<string> _dirtyParents = new(StringComparer.Ordinal);

    /// <summary>The source-relative path of a server path of the source ("" for the root), or null when outside it or ZooKeeper's own.</summary>
    public string? Relative(string sourcePath)
    {
        var root = options.Source.Path;
        string relative;
        if (root == "/")
        {
            relative = sourcePath == "/" ? string.Empty : sourcePath;
        }
        else if (sourcePath == root)
        {
            relative = string.Empty;
        }
        else if (sourcePath.StartsWith(root, StringComparison.Ordinal) && sourcePath.Length > root.Length && sourcePath[root.Length] == '/')
        {
            relative = sourcePath[root.Length..];
        }
        else
        {
            return null;
        }

        // ZooKeeper's own subtree (quotas, config) is never mirrored, as the copy never copies it.
        return root == "/" && (relative == "/zookeeper" || relative.StartsWith("/zookeeper/", StringComparison.Ordinal)) ? null : relative;
    }

    /// <summary>Applies the current source state of <paramref name="relative"/> to the target.</summary>
    /// <exception cref="KeeperException">a server error other than the races handled here (NoNode, NodeExists).</exception>
    /// <exception cref="CopyException">a read failed.</exception>
    public async Task ApplyAsync(string relative, CancellationToken cancellationToken)
    {
        var node = (await _sourceReader.ReadAsync([options.Source.Resolve(relative)], cancellationToken).ConfigureAwait(false))[0];
        var current = (await _targetReader.ReadAsync([options.Target.Resolve(relative)], cancellationToken).ConfigureAwait(false))[0];
        await ApplyStateAsync(relative, node, current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies several znodes in order with two pipelined reads for all of them (source, then target) instead of two
    /// per znode. The source states are read after every event of the batch was queued, so they are as new as a read
    /// per event would be. A target state read before this batch wrote a subtree around it (a create, which may
    /// create ancestors and children, or a delete) is read again.
    /// </summary>
    public async Task ApplyBatchAsync(IReadOnlyList<string> relatives, CancellationToken cancellationToken)
    {
        if (relatives.Count == 1)
        {
            await ApplyAsync(relatives[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        var nodes = await _sourceReader.ReadAsync([.. relatives.Select(options.Source.Resolve)], cancellationToken).ConfigureAwait(false);
        var currents = await _targetReader.ReadAsync([.. relatives.Select(options.Target.Resolve)], cancellationToken).ConfigureAwait(false);
        var touched = new List<string>();
        for (var i = 0; i < relatives.Count; i++)
        {
            var relative = relatives[i];
            if (touched.Any(t => Related(t, relative)))
            {
                await ApplyAsync(relative, cancellationToken).ConfigureAwait(false);
                touched.Add(relative);
                continue;
            }

            if (await ApplyStateAsync(relative, nodes[i], currents[i], cancellationToken).ConfigureAwait(false))
            {
                touched.Add(relative);
                // A subtree written anew (deleted, or deleted and created again) took with it what this batch had
                // already applied below it; their events were folded into this batch, so apply them again.
                for (var j = 0; j < i; j++)
                {
                    if (relatives[j].StartsWith(relative + "/", StringComparison.Ordinal) || (relative.Length == 0 && relatives[j].Length > 0))
                    {
                        await ApplyAsync(relatives[j], cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>True when one path is the other or lies below it.</summary>
    private static bool Related(string a, string b) =>
        a.Length == 0 || b.Length == 0 || a == b
        || (b.StartsWith(a, StringComparison.Ordinal) && b[a.Length] == '/')
        || (a.StartsWith(b, StringComparison.Ordinal) && a[b.Length] == '/');

    /// <summary>Makes the target equal to <paramref name="node"/> given the target's <paramref name="current"/> state; true when a subtree was created or deleted.</summary>
    private async Task<bool> ApplyStateAsync(string relative, Znode? node, Znode? current, CancellationToken cancellationToken)
    {
        var targetPath = options.Target.Resolve(relative);
        if (node is null || node.IsEphemeral)
        {
            if (node is not null)
            {
                counters.Add(ref counters.EphemeralsSkipped);
            }

            if (current is { IsEphemeral: false } && relative.Length > 0)
            {
                await DeleteSubtreeAsync(targetPath, cancellationToken).ConfigureAwait(false);
                MarkParent(relative);
                return true;
            }

            return false;
        }

        if (current is { IsEphemeral: true })
        {
            counters.Unfaithful($"{targetPath} is an ephemeral of session 0x{current.Stat.EphemeralOwner:x} on the target where the source has a persistent znode");
            return false;
        }

        if (current is not null && (current.Stat.Version > node.Stat.Version || (current.Stat.Version == node.Stat.Version && !node.SameData(current))))
        {
            // Created anew on the source since the target's copy was made: versions only grow within one znode's life.
            await DeleteSubtreeAsync(targetPath, cancellationToken).ConfigureAwait(false);
            current = null;
        }

        if (current is null)
        {
            await CreateAsync(relative, node, cancellationToken).ConfigureAwait(false);
            return true;
        }

        await UpdateAsync(targetPath, node, current, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Raises the sequential counter of every parent whose children changed, once the source shows no child change
    /// of it after <paramref name="appliedZxid"/> (its pzxid): then every creation the target will ever see for the
    /// changes up to it has been made, and what is missing are children created and deleted between two reads.
    /// </summary>
    public async Task ReconcileCountersAsync(long appliedZxid, CancellationToken cancellationToken)
    {
        foreach (var relative in _dirtyParents.ToList())
        {
            var node = (await _sourceReader.ReadAsync([options.Source.Resolve(relative)], cancellationToken).ConfigureAwait(false))[0];
            if (node is null)
            {
                _dirtyParents.Remove(relative);
                continue;
            }

            if (node.Stat.Pzxid > appliedZxid)
            {
                continue;
            }

            _dirtyParents.Remove(relative);
            var targetPath = options.Target.Resolve(relative);
            var current = (await _targetReader.ReadAsync([targetPath], cancellationToken).ConfigureAwait(false))[0];
            if (current is null || current.IsEphemeral || node.IsEphemeral)
            {
                continue;
            }

            if (current.SequentialCounter > node.SequentialCounter)
            {
                counters.Unfaithful($"{targetPath}: next sequential number {current.SequentialCounter} on the target is above the source's {node.SequentialCounter}");
                continue;
            }

            await BumpCounterAsync(targetPath, node.SequentialCounter - current.SequentialCounter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a copy (which leaves counters alone): walks both trees' Stats and raises every counter whose parent
    /// shows no child change after <paramref name="appliedZxid"/>; the others wait for a later mark.
    /// </summary>
    public async Task ReconcileAllCountersAsync(long appliedZxid, CancellationToken cancellationToken)
    {
        var walker = new TreeWalker(
            new ZnodeReader(source, ReadPath.MultiRead, "source", readAcls: false),
            new ZnodeReader(target, ReadPath.MultiRead, "target", readAcls: false),
            options.Source,
            options.Target,
            new WalkSettings(250, 8, options.MaxFrameBytes));
        var lower = new List<(string Relative, long Steps)>();
        await walker.WalkAsync(_ => true, pair =>
        {
            if (pair.Source is { IsEphemeral: false } node && pair.Target is { IsEphemeral: false } current && current.SequentialCounter != node.SequentialCounter)
            {
                if (node.Stat.Pzxid > appliedZxid)
                {
                    _dirtyParents.Add(pair.Relative);
                }
                else if (current.SequentialCounter < node.SequentialCounter)
                {
                    lower.Add((pair.Relative, node.SequentialCounter - current.SequentialCounter));
                }
                else
                {
                    counters.Unfaithful($"{pair.TargetPath}: next sequential number {current.SequentialCounter} on the target is above the source's {node.SequentialCounter}");
                }
            }

            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var (relative, steps) in lower)
        {
            await BumpCounterAsync(options.Target.Resolve(relative), steps, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A child of the znode at <paramref name="relative"/> was created or deleted on the source: check its counter at a later mark.</summary>
    public void ChildrenChanged(string relative) => _dirtyParents.Add(relative);

    /// <summary>The parent of <paramref name="relative"/> ("" for a child of the root); the root has none.</summary>
    public static string ParentOf(string relative)
    {
        var slash = relative.LastIndexOf('/');
        return slash <= 0 ? string.Empty : relative[..slash];
    }

    private async Task BumpCounterAsync(string targetPath, long steps, CancellationToken cancellationToken)
    {
        var child = (targetPath == "/" ? "/" : targetPath + "/") + CopyRun.SequenceBumpChild;
        for (var i = 0; i < steps; i++)
        {
            await target.SingleAsync(Op.Create(child, ReadOnlyMemory<byte>.Empty), cancellationToken).ConfigureAwait(false);
            await target.SingleAsync(Op.Delete(child), cancellationToken).ConfigureAwait(false);
            counters.Add(ref counters.SequenceBumps);
        }
    }

    private async Task CreateAsync(string relative, Znode node, CancellationToken cancellationToken)
    {
        var targetPath = options.Target.Resolve(relative);
        var (mode, ttl) = ZnodeKinds.Of(options.Containers, options.Ttls, options.Source.Resolve(relative));
        var acl = node.Acl.Count == 0 ? ZooKeeperAcl.OpenUnsafe : node.Acl;
        try
        {
            await target.SingleAsync(Op.CreateNullable(targetPath, node.Data, mode, acl, ttl), cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode && relative.Length > 0)
        {
            // The target parent is missing (its own event comes later, or the source made it and its child at once).
            // When the source parent is gone, so is this znode, and its deletion event follows.
            await ApplyAsync(ParentOf(relative), cancellationToken).ConfigureAwait(false);
            try
            {
                await target.SingleAsync(Op.CreateNullable(targetPath, node.Data, mode, acl, ttl), cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException again) when (again.Code == KeeperErrorCode.NoNode)
            {
                return;
            }
        }

        counters.Add(ref counters.Created);
        if (relative.Length > 0)
        {
            MarkParent(relative);
        }

        for (var version = 0; version < node.Stat.Version; version++)
        {
            await target.SingleAsync(Op.SetDataNullable(targetPath, node.Data), cancellationToken).ConfigureAwait(false);
            counters.Add(ref counters.VersionBumps);
        }

        // Children the source already has are not created here: each was created after this znode, so its creation
        // event is still queued (copying them one by one here made a busy parent a slow copy of its whole subtree).
        // Its own counter: the source may have created (and deleted) children of it before this read.
        _dirtyParents.Add(relative);
    }

    private async Task UpdateAsync(string targetPath, Znode node, Znode current, CancellationToken cancellationToken)
    {
        if (current.Stat.Version < node.Stat.Version)
        {
            var dataChanged = !node.SameData(current);
            for (var version = current.Stat.Version; version < node.Stat.Version; version++)
            {
                await target.SingleAsync(Op.SetDataNullable(targetPath, node.Data), cancellationToken).ConfigureAwait(false);
                counters.Add(ref (version == current.Stat.Version && dataChanged ? ref counters.DataUpdated : ref counters.VersionBumps));
            }
        }

        if (!CopyRun.AclEquals(node.Acl, current.Acl))
        {
            await target.SetAclAsync(targetPath, node.Acl, cancellationToken: cancellationToken).ConfigureAwait(false);
            counters.Add(ref counters.AclUpdated);
        }
    }

    /// <summary>Deletes a target subtree deepest first, except other sessions' ephemerals and the ancestors that keep them.</summary>
    private async Task<bool> DeleteSubtreeAsync(string path, CancellationToken cancellationToken)
    {
        ChildrenResult listed;
        try
        {
            listed = await target.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return true;
        }

        if (listed.Stat.EphemeralOwner != 0)
        {
            return false;
        }

        var allGone = true;
        foreach (var child in listed.Children)
        {
            allGone &= await DeleteSubtreeAsync((path == "/" ? "/" : path + "/") + child, cancellationToken).ConfigureAwait(false);
        }

        if (!allGone)
        {
            counters.Unfaithful($"{path} kept on the target: another session's ephemeral lies below it");
            return false;
        }

        try
        {
            await target.SingleAsync(Op.Delete(path), cancellationToken).ConfigureAwait(false);
            counters.Add(ref counters.Deleted);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            // A container the target server removed by itself once its last child went.
        }

        return true;
    }

    private void MarkParent(string relative) => _dirtyParents.Add(ParentOf(relative));
}
