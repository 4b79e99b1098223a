using System.Diagnostics;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// <c>zkmitosis copy</c>: makes the target subtree equal to the source subtree (data, ACLs, children;
/// with <see cref="CopyOptions.Faithful"/> also data versions and sequential counters). It compares before
/// it writes, so a rerun after a failure or an interruption converges.
/// </summary>
public static class TreeCopier
{
    /// <summary>Copies <see cref="CopyOptions.Source"/> to <see cref="CopyOptions.Target"/>.</summary>
    /// <param name="options">What to copy and how.</param>
    /// <param name="progress">Counters to display while it runs; optional.</param>
    /// <param name="onAction">Called for every change made (or, in a dry run, needed); optional.</param>
    /// <param name="cancellationToken">Stops the copy; batches already sent stay applied.</param>
    /// <exception cref="CopyFailedException">a read or a batch failed; the summary says what was done.</exception>
    /// <exception cref="CopyException">a server could not be reached or the source path does not exist.</exception>
    public static async Task<CopySummary> CopyAsync(CopyOptions options, CopyProgress? progress = null, Action<CopyAction>? onAction = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var startZxid = await SessionFactory.ReadZxidAsync(options.Source.Hosts, cancellationToken).ConfigureAwait(false);
        await using var source = await SessionFactory.ConnectAsync("source", options.Source.Hosts, options.SourceAuth, cancellationToken).ConfigureAwait(false);
        await using var target = await SessionFactory.ConnectAsync("target", options.Target.Hosts, options.TargetAuth, cancellationToken).ConfigureAwait(false);
        var run = new CopyRun(options, source, target, startZxid, progress ?? new CopyProgress(), onAction);
        return await run.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The state of one copy: counters, listed paths, the writer.</summary>
internal sealed class CopyRun(CopyOptions options, ZooKeeperClient source, ZooKeeperClient target, long? startZxid, CopyProgress progress, Action<CopyAction>? onAction)
{
    private const string SequenceBumpChild = "zkmitosis-sequence-bump";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly BatchWriter _writer = new(target, options);
    private readonly List<Task> _aclWrites = [];
    private readonly List<string> _ephemeralPaths = [];
    private readonly List<string> _vanishedPaths = [];
    private readonly List<string> _extraPaths = [];
    private readonly List<string> _unfaithful = [];
    private readonly List<string> _deleteRoots = [];
    private long _sourceNodes;
    private long _created;
    private long _dataUpdated;
    private long _aclUpdated;
    private long _deleted;
    private long _unchanged;
    private long _skippedOlder;
    private long _ephemerals;
    private long _vanished;
    private long _extra;
    private long _versionBumps;
    private long _sequenceBumps;
    private long? _nextModifiedSince;
    private KeeperException? _aclFailure;

    public async Task<CopySummary> RunAsync(CancellationToken cancellationToken)
    {
        var walker = new TreeWalker(
            new ZnodeReader(source, options.ReadPath, "source", options.CopyAcls),
            new ZnodeReader(target, options.ReadPath, "target", options.CopyAcls),
            options.Source,
            options.Target,
            new WalkSettings(options.ReadChunk, options.ReadsInFlight));
        try
        {
            if (!options.DryRun)
            {
                await EnsureTargetParentsAsync(cancellationToken).ConfigureAwait(false);
            }

            progress.Phase = "copy";
            await walker.WalkAsync(WantTarget, pair => VisitAsync(walker, pair, cancellationToken), cancellationToken).ConfigureAwait(false);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            if (options.Delete && _deleteRoots.Count > 0)
            {
                progress.Phase = "delete";
                await DeleteExtrasAsync(cancellationToken).ConfigureAwait(false);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (options.Faithful)
            {
                progress.Phase = "faithful";
                await walker.WalkAsync(_ => true, pair => FaithfulVisitAsync(pair, cancellationToken), cancellationToken).ConfigureAwait(false);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CopyFailedException)
        {
            throw;
        }
        catch (CopyException e)
        {
            await DrainAsync().ConfigureAwait(false);
            throw new CopyFailedException(e.Message, Summary(), e.Path, e.Code, e);
        }

        return Summary();
    }

    private bool WantTarget(Znode node) =>
        options.Delete || options.ModifiedSince is not { } since || node.Stat.Mtime >= since || AclEverChanged(node);

    /// <summary>
    /// setACL does not move mtime, so a catch-up copy also compares the nodes whose ACL was ever set after their
    /// creation (aversion above 0: few, in practice). A node never setACL'd still has the ACL it was created with,
    /// which the copy that created its target wrote.
    /// </summary>
    private bool AclEverChanged(Znode node) => options.CopyAcls && node.Stat.Aversion > 0;

    private async Task VisitAsync(TreeWalker walker, NodePair pair, CancellationToken cancellationToken)
    {
        if (pair.Source is not { } node)
        {
            if (pair.Relative.Length == 0)
            {
                throw new CopyException($"source: {pair.SourcePath} does not exist on {options.Source.Hosts}", pair.SourcePath, KeeperErrorCode.NoNode);
            }

            _vanished++;
            List(_vanishedPaths, pair.SourcePath);
            return;
        }

        _sourceNodes++;
        progress.AddRead(1);
        if (startZxid is null || node.Stat.Mzxid <= startZxid)
        {
            _nextModifiedSince = Math.Max(_nextModifiedSince ?? long.MinValue, node.Stat.Mtime);
        }

        if (node.IsEphemeral)
        {
            _ephemerals++;
            List(_ephemeralPaths, pair.SourcePath);
            return;
        }

        if (pair.Target is { } existing)
        {
            NoteExtras(walker, pair, node, existing);
        }

        if (options.ModifiedSince is { } since && node.Stat.Mtime < since)
        {
            if (AclEverChanged(node) && pair.Target is { } older && !AclEquals(node.Acl, older.Acl))
            {
                UpdateAcl(pair, node, cancellationToken);
                return;
            }

            _skippedOlder++;
            return;
        }

        if (pair.Target is not { } current)
        {
            _created++;
            await WriteAsync(Op.Create(pair.TargetPath, node.Data, CreateMode.Persistent, node.Acl), BatchWriter.EstimateBytes(pair.TargetPath, node.Data.Length, node.Acl), new CopyAction(CopyActionKind.Create, pair.TargetPath), cancellationToken).ConfigureAwait(false);
            return;
        }

        var changed = false;
        if (!node.Data.AsSpan().SequenceEqual(current.Data))
        {
            changed = true;
            _dataUpdated++;
            await WriteAsync(Op.SetData(pair.TargetPath, node.Data), BatchWriter.EstimateBytes(pair.TargetPath, node.Data.Length, null), new CopyAction(CopyActionKind.SetData, pair.TargetPath), cancellationToken).ConfigureAwait(false);
        }

        if (!AclEquals(node.Acl, current.Acl))
        {
            changed = true;
            UpdateAcl(pair, node, cancellationToken);
        }

        if (!changed)
        {
            _unchanged++;
        }
    }

    private void UpdateAcl(NodePair pair, Znode node, CancellationToken cancellationToken)
    {
        _aclUpdated++;
        onAction?.Invoke(new CopyAction(CopyActionKind.SetAcl, pair.TargetPath, string.Join(',', node.Acl.Select(a => $"{a.Scheme}:{a.Id}:{a.Permissions}"))));
        if (!options.DryRun)
        {
            // setACL has no multi op; it is sent on the same session, so it still follows earlier batches.
            _aclWrites.Add(SetAclAsync(pair.TargetPath, node.Acl, cancellationToken));
        }
    }

    private void NoteExtras(TreeWalker walker, NodePair pair, Znode node, Znode existing)
    {
        if (existing.Children.Count == 0)
        {
            return;
        }

        var sourceChildren = node.Children.ToHashSet(StringComparer.Ordinal);
        foreach (var child in existing.Children)
        {
            var relative = pair.Relative + "/" + child;
            if (sourceChildren.Contains(child) || walker.IsSystemTargetPath(relative))
            {
                continue;
            }

            _extra++;
            var path = options.Target.Resolve(relative);
            List(_extraPaths, path);
            if (options.Delete)
            {
                _deleteRoots.Add(path);
            }
        }
    }

    private async Task FaithfulVisitAsync(NodePair pair, CancellationToken cancellationToken)
    {
        if (pair.Source is not { IsEphemeral: false } node || pair.Target is not { } current)
        {
            return;
        }

        if (current.Stat.Version < node.Stat.Version)
        {
            var bumps = node.Stat.Version - current.Stat.Version;
            _versionBumps += bumps;
            for (var i = 0; i < bumps; i++)
            {
                await WriteAsync(Op.SetData(pair.TargetPath, node.Data), BatchWriter.EstimateBytes(pair.TargetPath, node.Data.Length, null), i == 0 ? new CopyAction(CopyActionKind.BumpVersion, pair.TargetPath, $"data version {current.Stat.Version} -> {node.Stat.Version}") : null, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (current.Stat.Version > node.Stat.Version)
        {
            List(_unfaithful, $"{pair.TargetPath}: data version {current.Stat.Version} on the target is above the source's {node.Stat.Version}");
        }

        var sourceCounter = node.SequentialCounter;
        var targetCounter = current.SequentialCounter;
        if (targetCounter < sourceCounter)
        {
            var bumps = sourceCounter - targetCounter;
            _sequenceBumps += bumps;
            var child = pair.TargetPath == "/" ? "/" + SequenceBumpChild : pair.TargetPath + "/" + SequenceBumpChild;
            for (var i = 0; i < bumps; i++)
            {
                var detail = i == 0 ? new CopyAction(CopyActionKind.BumpSequence, pair.TargetPath, $"next sequential number {targetCounter} -> {sourceCounter}") : null;
                await WriteAsync(Op.Create(child, ReadOnlyMemory<byte>.Empty), BatchWriter.EstimateBytes(child, 0, ZooKeeperAcl.OpenUnsafe), detail, cancellationToken).ConfigureAwait(false);
                await WriteAsync(Op.Delete(child), BatchWriter.EstimateBytes(child, 0, null), null, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (targetCounter > sourceCounter)
        {
            List(_unfaithful, $"{pair.TargetPath}: next sequential number {targetCounter} on the target is above the source's {sourceCounter}");
        }
    }

    private async Task DeleteExtrasAsync(CancellationToken cancellationToken)
    {
        foreach (var root in _deleteRoots)
        {
            // Deepest first: a znode can only be deleted once its children are gone.
            var levels = new List<List<string>> { new() { root } };
            while (levels[^1].Count > 0)
            {
                var next = new List<string>();
                var children = await Task.WhenAll(levels[^1].Select(p => ListChildrenAsync(p, cancellationToken))).ConfigureAwait(false);
                for (var i = 0; i < children.Length; i++)
                {
                    next.AddRange(children[i].Select(c => levels[^1][i] + "/" + c));
                }

                levels.Add(next);
            }

            for (var level = levels.Count - 1; level >= 0; level--)
            {
                foreach (var path in levels[level])
                {
                    _deleted++;
                    await WriteAsync(Op.Delete(path), BatchWriter.EstimateBytes(path, 0, null), new CopyAction(CopyActionKind.Delete, path), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<IReadOnlyList<string>> ListChildrenAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await target.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return [];
        }
        catch (KeeperException e)
        {
            throw CopyException.FromKeeper("target", "listing the children of", path, e);
        }
    }

    private async Task WriteAsync(Op op, int estimatedBytes, CopyAction? action, CancellationToken cancellationToken)
    {
        if (action is not null)
        {
            onAction?.Invoke(action);
        }

        if (options.DryRun)
        {
            return;
        }

        try
        {
            await _writer.AddAsync(op, estimatedBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (CopyException e)
        {
            throw new CopyFailedException(e.Message, Summary(), e.Path, e.Code, e);
        }

        progress.AddWritten(1);
    }

    private async Task SetAclAsync(string path, IReadOnlyList<ZooKeeperAcl> acl, CancellationToken cancellationToken)
    {
        try
        {
            await target.SetAclAsync(path, acl, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e)
        {
            Interlocked.CompareExchange(ref _aclFailure, e, null);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (options.DryRun)
        {
            return;
        }

        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_aclWrites).ConfigureAwait(false);
        _aclWrites.Clear();
        if (_writer.Failure is { } failure)
        {
            throw new CopyFailedException($"target: {failure.Message}", Summary(), failure.Path, failure.Code, failure.Inner);
        }

        if (_aclFailure is { } aclFailure)
        {
            throw new CopyFailedException($"target: setting the ACL of {aclFailure.Path} failed: {aclFailure.Code}", Summary(), aclFailure.Path, aclFailure.Code, aclFailure);
        }
    }

    /// <summary>After a failure: let the batches in flight finish so the summary counts what was sent.</summary>
    private async Task DrainAsync()
    {
        if (options.DryRun)
        {
            return;
        }

        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _writer.FlushAsync(bound.Token).ConfigureAwait(false);
            await Task.WhenAll(_aclWrites).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CopyException or KeeperException or OperationCanceledException)
        {
            // The first failure is the one reported.
        }
    }

    private async Task EnsureTargetParentsAsync(CancellationToken cancellationToken)
    {
        var path = options.Target.Path;
        for (var slash = path.IndexOf('/', 1); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            var parent = path[..slash];
            try
            {
                await target.CreateAsync(parent, ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
            {
                // The usual case.
            }
            catch (KeeperException e)
            {
                throw CopyException.FromKeeper("target", "creating the parent", parent, e);
            }
        }
    }

    internal static bool AclEquals(IReadOnlyList<ZooKeeperAcl> a, IReadOnlyList<ZooKeeperAcl> b) =>
        a.Count == b.Count && a.OrderBy(x => x.Scheme, StringComparer.Ordinal).ThenBy(x => x.Id, StringComparer.Ordinal).ThenBy(x => x.Permissions)
            .SequenceEqual(b.OrderBy(x => x.Scheme, StringComparer.Ordinal).ThenBy(x => x.Id, StringComparer.Ordinal).ThenBy(x => x.Permissions));

    private void List(List<string> list, string item)
    {
        if (list.Count < options.ListedPaths)
        {
            list.Add(item);
        }
    }

    private CopySummary Summary() => new()
    {
        Source = options.Source.ToString(),
        Target = options.Target.ToString(),
        DryRun = options.DryRun,
        SourceNodes = _sourceNodes,
        Created = _created,
        DataUpdated = _dataUpdated,
        AclUpdated = _aclUpdated,
        Deleted = _deleted,
        Unchanged = _unchanged,
        SkippedOlder = _skippedOlder,
        Ephemerals = _ephemerals,
        EphemeralPaths = [.. _ephemeralPaths],
        Vanished = _vanished,
        VanishedPaths = [.. _vanishedPaths],
        ExtraOnTarget = _extra,
        ExtraPaths = [.. _extraPaths],
        VersionBumps = _versionBumps,
        SequenceBumps = _sequenceBumps,
        Unfaithful = [.. _unfaithful],
        Batches = _writer.Batches,
        ModifiedSince = options.ModifiedSince,
        NextModifiedSince = _nextModifiedSince,
        NextModifiedSinceExact = startZxid is not null,
        Elapsed = _clock.Elapsed,
    };
}
