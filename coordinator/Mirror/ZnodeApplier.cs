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
    private readonly TargetWrites _writes = new(target, options.WritesInFlight);
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

    /// <summary>Applies the current source state of <paramref name="relative"/> to the target, one write at a time (each awaited).</summary>
    /// <exception cref="KeeperException">a server error other than the races handled here (NoNode, NodeExists).</exception>
    /// <exception cref="CopyException">a read failed.</exception>
    public async Task ApplyAsync(string relative, CancellationToken cancellationToken)
    {
        var immediate = _writes.Immediate;
        _writes.Immediate = true;
        try
        {
            await ApplyReadAsync(relative, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writes.Immediate = immediate;
        }
    }

    /// <summary>
    /// Applies several znodes in order with two pipelined reads for all of them (source, then target) instead of two
    /// per znode, and their writes pipelined (<see cref="TargetWrites"/>, up to <see cref="MirrorOptions.WritesInFlight"/>
    /// in flight). The source states are read after every event of the batch was queued, so they are as new as a read
    /// per event would be. A znode whose target state this batch made stale (at or below a subtree it deleted), one
    /// this batch applied before a subtree around it was deleted, and one whose write a race refused (a missing parent,
    /// say) are applied again from fresh reads once every write of the pass is acknowledged: pipelined once more,
    /// then one write at a time (which creates missing parents). Returns once every write is acknowledged.
    /// </summary>
    /// <exception cref="KeeperException">a server error other than those races.</exception>
    /// <exception cref="CopyException">a read failed.</exception>
    public async Task ApplyBatchAsync(IReadOnlyList<string> relatives, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> pending = relatives;
        try
        {
            for (var pass = 0; pending.Count > 0; pass++)
            {
                if (pass >= 2)
                {
                    foreach (var relative in pending)
                    {
                        await ApplyAsync(relative, cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                pending = await PipelinedPassAsync(pending, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            _writes.Abandon();
            throw;
        }
    }

    /// <summary>One pass over <paramref name="relatives"/>; returns those to apply again (in the batch's order).</summary>
    private async Task<IReadOnlyList<string>> PipelinedPassAsync(IReadOnlyList<string> relatives, CancellationToken cancellationToken)
    {
        var nodes = await _sourceReader.ReadAsync([.. relatives.Select(options.Source.Resolve)], cancellationToken).ConfigureAwait(false);
        var currents = await _targetReader.ReadAsync([.. relatives.Select(options.Target.Resolve)], cancellationToken).ConfigureAwait(false);
        var deleted = new List<string>();
        var again = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < relatives.Count; i++)
        {
            var relative = relatives[i];
            if (deleted.Any(d => AtOrBelow(relative, d)))
            {
                // Its target state was read before this batch deleted a subtree around it.
                again.Add(relative);
                continue;
            }

            if (await ApplyStateAsync(relative, nodes[i], currents[i], cancellationToken).ConfigureAwait(false))
            {
                deleted.Add(relative);
                // The subtree deleted (or deleted and created anew) took with it what this batch had already applied
                // below it; their events were folded into this batch, so apply them again.
                for (var j = 0; j < i; j++)
                {
                    if (AtOrBelow(relatives[j], relative))
                    {
                        again.Add(relatives[j]);
                    }
                }
            }
        }

        var refused = await _writes.DrainAsync().ConfigureAwait(false);
        again.UnionWith(refused);
        return again.Count == 0 ? [] : [.. relatives.Where(again.Contains)];
    }

    private async Task ApplyReadAsync(string relative, CancellationToken cancellationToken)
    {
        var node = (await _sourceReader.ReadAsync([options.Source.Resolve(relative)], cancellationToken).ConfigureAwait(false))[0];
        var current = (await _targetReader.ReadAsync([options.Target.Resolve(relative)], cancellationToken).ConfigureAwait(false))[0];
        await ApplyStateAsync(relative, node, current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or lies below it.</summary>
    private static bool AtOrBelow(string path, string root) =>
        root.Length == 0 || path == root || (path.StartsWith(root, StringComparison.Ordinal) && path.Length > root.Length && path[root.Length] == '/');

    /// <summary>Makes the target equal to <paramref name="node"/> given the target's <paramref name="current"/> state; true when a target subtree was deleted (and maybe created anew).</summary>
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
                await DeleteSubtreeAsync(relative, targetPath, current.Children.Count == 0, cancellationToken).ConfigureAwait(false);
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
            await DeleteSubtreeAsync(relative, targetPath, current.Children.Count == 0, cancellationToken).ConfigureAwait(false);
            await CreateAsync(relative, node, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (current is null)
        {
            // Its children are absent too: each has its own creation event after this one.
            await CreateAsync(relative, node, cancellationToken).ConfigureAwait(false);
            return false;
        }

        await UpdateAsync(relative, targetPath, node, current, cancellationToken).ConfigureAwait(false);
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

            await BumpCounterAsync(relative, node.SequentialCounter - current.SequentialCounter, cancellationToken).ConfigureAwait(false);
        }

        await DrainBumpsAsync().ConfigureAwait(false);
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
            await BumpCounterAsync(relative, steps, cancellationToken).ConfigureAwait(false);
        }

        await DrainBumpsAsync().ConfigureAwait(false);
    }

    /// <summary>A child of the znode at <paramref name="relative"/> was created or deleted on the source: check its counter at a later mark.</summary>
    public void ChildrenChanged(string relative) => _dirtyParents.Add(relative);

    /// <summary>The parent of <paramref name="relative"/> ("" for a child of the root); the root has none.</summary>
    public static string ParentOf(string relative)
    {
        var slash = relative.LastIndexOf('/');
        return slash <= 0 ? string.Empty : relative[..slash];
    }

    /// <summary>Raises a target counter by <paramref name="steps"/> create-and-delete pairs (pipelined); a pair a race refused leaves the parent dirty for the next mark.</summary>
    private async Task BumpCounterAsync(string relative, long steps, CancellationToken cancellationToken)
    {
        var targetPath = options.Target.Resolve(relative);
        var child = (targetPath == "/" ? "/" : targetPath + "/") + CopyRun.SequenceBumpChild;
        for (var i = 0; i < steps; i++)
        {
            await _writes.SendAsync(Op.Create(child, ReadOnlyMemory<byte>.Empty), relative, () => counters.Add(ref counters.SequenceBumps), cancellationToken).ConfigureAwait(false);
            await _writes.SendDeleteAsync(child, relative, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the counter bumps in flight; a parent a race refused one of is checked again at the next mark.</summary>
    private async Task DrainBumpsAsync()
    {
        try
        {
            foreach (var relative in await _writes.DrainAsync().ConfigureAwait(false))
            {
                _dirtyParents.Add(relative);
            }
        }
        catch
        {
            _writes.Abandon();
            throw;
        }
    }

    private async Task CreateAsync(string relative, Znode node, CancellationToken cancellationToken)
    {
        var targetPath = options.Target.Resolve(relative);
        var (mode, ttl) = ZnodeKinds.Of(options.Containers, options.Ttls, options.Source.Resolve(relative));
        var acl = node.Acl.Count == 0 ? ZooKeeperAcl.OpenUnsafe : node.Acl;
        var create = Op.CreateNullable(targetPath, node.Data, mode, acl, ttl);
        try
        {
            await _writes.SendAsync(create, relative, () => counters.Add(ref counters.Created), cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode && relative.Length > 0)
        {
            // Only when writes are awaited one by one: the target parent is missing (its own event comes later, or the
            // source made it and its child at once). When the source parent is gone, so is this znode, and its
            // deletion event follows. (Pipelined, the refusal comes back from the drain and the znode is applied again.)
            await ApplyAsync(ParentOf(relative), cancellationToken).ConfigureAwait(false);
            try
            {
                await _writes.SendAsync(create, relative, () => counters.Add(ref counters.Created), cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException again) when (again.Code == KeeperErrorCode.NoNode)
            {
                return;
            }
        }

        if (relative.Length > 0)
        {
            MarkParent(relative);
        }

        for (var version = 0; version < node.Stat.Version; version++)
        {
            await _writes.SendAsync(Op.SetDataNullable(targetPath, node.Data), relative, () => counters.Add(ref counters.VersionBumps), cancellationToken).ConfigureAwait(false);
        }

        // Children the source already has are not created here: each was created after this znode, so its creation
        // event is still queued (copying them one by one here made a busy parent a slow copy of its whole subtree).
        // Its own counter: the source may have created (and deleted) children of it before this read.
        _dirtyParents.Add(relative);
    }

    private async Task UpdateAsync(string relative, string targetPath, Znode node, Znode current, CancellationToken cancellationToken)
    {
        if (current.Stat.Version < node.Stat.Version)
        {
            var dataChanged = !node.SameData(current);
            for (var version = current.Stat.Version; version < node.Stat.Version; version++)
            {
                var first = version == current.Stat.Version && dataChanged;
                await _writes.SendAsync(Op.SetDataNullable(targetPath, node.Data), relative, () => counters.Add(ref (first ? ref counters.DataUpdated : ref counters.VersionBumps)), cancellationToken).ConfigureAwait(false);
            }
        }

        if (!CopyRun.AclEquals(node.Acl, current.Acl))
        {
            await _writes.SendAclAsync(targetPath, node.Acl, relative, () => counters.Add(ref counters.AclUpdated), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes a target subtree deepest first, except other sessions' ephemerals and the ancestors that keep them.
    /// A znode the batch read as a leaf (<paramref name="leaf"/>) is deleted without listing it first; should a
    /// child have appeared since, the delete is refused and the znode applied again.
    /// </summary>
    private async Task<bool> DeleteSubtreeAsync(string relative, string path, bool leaf, CancellationToken cancellationToken)
    {
        if (!leaf)
        {
            ChildrenResult listed;
            try
            {
                // A read after the writes sent before it on this session: it sees them.
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
                allGone &= await DeleteSubtreeAsync(relative, (path == "/" ? "/" : path + "/") + child, leaf: false, cancellationToken).ConfigureAwait(false);
            }

            if (!allGone)
            {
                counters.Unfaithful($"{path} kept on the target: another session's ephemeral lies below it");
                return false;
            }
        }

        // NoNode counts as done: a container the target server removed by itself once its last child went.
        await _writes.SendDeleteAsync(path, relative, () => counters.Add(ref counters.Deleted), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private void MarkParent(string relative) => _dirtyParents.Add(ParentOf(relative));
}
