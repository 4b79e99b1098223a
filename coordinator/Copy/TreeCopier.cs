using System.Diagnostics;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// <c>zkmitosis copy</c>: makes the target subtree equal to the source subtree (data, null data apart from
/// empty, ACLs, children; with <see cref="CopyOptions.Faithful"/> also data versions and sequential counters).
/// It compares before it writes, so a rerun after a failure or an interruption converges. Ephemerals are never
/// copied nor deleted; a restrictive ACL is set once the znode's children exist; the summary counts only what
/// the target acknowledged.
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
        await using var target = await SessionFactory.ConnectAsync("target", options.Target.Hosts, options.TargetAuth, options.TargetSecurity, options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
        if (options.SourceSnapshot is { } snapshot)
        {
            // Read from the source's data dir by its agent: no request reaches the source server.
            return await new CopyRun(options, snapshot, target, snapshot.Zxid, progress ?? new CopyProgress(), onAction).RunAsync(cancellationToken).ConfigureAwait(false);
        }

        var startZxid = await SessionFactory.ReadZxidAsync(options.Source.Hosts, options.SourceSecurity?.Tls, cancellationToken).ConfigureAwait(false);
        await using var source = await SessionFactory.ConnectAsync("source", options.Source.Hosts, options.SourceAuth, options.SourceSecurity, options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
        var reader = new ZnodeReader(source, options.ReadPath, "source", options.CopyAcls, options.AclBase);
        return await new CopyRun(options, reader, target, startZxid, progress ?? new CopyProgress(), onAction).RunAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The state of one copy: counters, listed paths, the writer.</summary>
internal sealed class CopyRun(CopyOptions options, IZnodeSource source, ZooKeeperClient target, long? startZxid, CopyProgress progress, Action<CopyAction>? onAction)
{
    /// <summary>The child created and deleted to raise a parent's sequential counter (the mirror raises them the same way).</summary>
    internal const string SequenceBumpChild = "zkmitosis-sequence-bump";
    private const string TtlProbe = "zkmitosis-ttl-probe-";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly BatchWriter _writer = new(target, options, progress);
    private readonly TargetIdentity _identity = new(options.TargetAuth);
    private readonly long[] _planned = new long[Enum.GetValues<WriteKind>().Length];
    private readonly List<(string Path, IReadOnlyList<ZooKeeperAcl> Acl, bool Update)> _deferredAcls = [];
    private readonly Dictionary<string, IReadOnlyList<ZooKeeperAcl>> _createLocked = new(StringComparer.Ordinal);
    private readonly List<string> _ephemeralPaths = [];
    private readonly List<string> _vanishedPaths = [];
    private readonly List<string> _extraPaths = [];
    private readonly List<string> _unfaithful = [];
    private readonly List<string> _deleteRoots = [];
    private readonly List<string> _persistentCopies = [];
    private readonly List<string> _ephemeralsKept = [];
    private readonly List<string> _needsCredentials = [];
    private long _sourceNodes;
    private long _aclUpdated;
    private long _unchanged;
    private long _skippedOlder;
    private long _ephemerals;
    private long _vanished;
    private long _extra;
    private long _persistentCopyCount;
    private long _ephemeralsKeptCount;
    private long? _nextModifiedSince;
    private bool _complete;
    private bool _targetHadZnodes;
    private bool _blocked;

    public async Task<CopySummary> RunAsync(CancellationToken cancellationToken)
    {
        var walker = new TreeWalker(
            source,
            new ZnodeReader(target, options.ReadPath, "target", options.CopyAcls),
            options.Source,
            options.Target,
            new WalkSettings(options.ReadChunk, options.ReadsInFlight, options.MaxFrameBytes, TargetAclsFromBase: options.AclBase is not null));
        try
        {
            // Before anything of the tree is written: permissions on the target's existing path, TTL support.
            var parent = await CheckTargetPathAsync(cancellationToken).ConfigureAwait(false);
            if ((options.Ttls.Count > 0 || options.SourceSnapshot is { HasTtlNodes: true }) && !options.DryRun)
            {
                await CheckTtlSupportAsync(parent, cancellationToken).ConfigureAwait(false);
            }

            if (!options.DryRun)
            {
                await EnsureTargetParentsAsync(cancellationToken).ConfigureAwait(false);
            }

            progress.Phase = "copy";
            await walker.WalkAsync(WantTarget, pair => VisitAsync(walker, pair, cancellationToken), cancellationToken).ConfigureAwait(false);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            if (options.Delete && _deleteRoots.Count > 0 && !_blocked)
            {
                progress.Phase = "delete";
                await DeleteExtrasAsync(cancellationToken).ConfigureAwait(false);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            // Every znode created by this copy had its data version raised right after its create: the pass that
            // reads both trees again for versions is needed only for znodes the target already had, and for counters.
            if (options.Faithful && !_blocked && (_targetHadZnodes || options.SequentialCounters))
            {
                progress.Phase = "faithful";
                // Versions and counters only: no getACL on either side.
                var versions = new TreeWalker(source.WithoutAcls(), new ZnodeReader(target, options.ReadPath, "target", readAcls: false), options.Source, options.Target,
                    new WalkSettings(options.ReadChunk, options.ReadsInFlight, options.MaxFrameBytes));
                await versions.WalkAsync(_ => true, pair => FaithfulVisitAsync(pair, cancellationToken), cancellationToken).ConfigureAwait(false);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            ThrowIfNeedsCredentials();
            progress.Phase = "acls";
            await SetDeferredAclsAsync(cancellationToken).ConfigureAwait(false);
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

        _complete = !options.DryRun;
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
            if (pair.Target is { IsEphemeral: false })
            {
                // A copy made by a tool that copied ephemerals: the session that owns the source's would find NodeExists.
                _persistentCopyCount++;
                List(_persistentCopies, pair.TargetPath);
            }

            return;
        }

        if (pair.Target is { IsEphemeral: true } owned)
        {
            // Another session's znode: never written over, and no child can be created under an ephemeral.
            _ephemeralsKeptCount++;
            List(_ephemeralsKept, $"{pair.TargetPath} (ephemeral of session 0x{owned.Stat.EphemeralOwner:x}; persistent on the source)");
            NeedsCredentials($"{pair.TargetPath} is an ephemeral of session 0x{owned.Stat.EphemeralOwner:x} on the target where the source has a persistent znode: it can be copied only once that session has ended");
            return;
        }

        if (pair.Target is { } existing)
        {
            _targetHadZnodes = true;
            NoteExtras(walker, pair, node, existing);
        }
        else if (!pair.TargetRead)
        {
            // Not read (older than --mtime): it may exist.
            _targetHadZnodes = true;
        }

        if (options.ModifiedSince is { } since && node.Stat.Mtime < since)
        {
            if (AclEverChanged(node) && pair.Target is { } older && !AclEquals(node.Acl, older.Acl))
            {
                UpdateAcl(pair, node, older);
                return;
            }

            _skippedOlder++;
            return;
        }

        if (pair.Target is not { } current)
        {
            await CreateAsync(pair, node, cancellationToken).ConfigureAwait(false);
            return;
        }

        var changed = false;
        if (!node.SameData(current))
        {
            changed = true;
            if (Lacks(current, ZooKeeperPermissions.Write, pair.TargetPath, "to set its data"))
            {
                return;
            }

            await WriteAsync(Op.SetDataNullable(pair.TargetPath, node.Data), WriteKind.SetData, new CopyAction(CopyActionKind.SetData, pair.TargetPath, node.Data is null ? "null data" : null), cancellationToken).ConfigureAwait(false);
        }

        if (!AclEquals(node.Acl, current.Acl))
        {
            changed = true;
            UpdateAcl(pair, node, current);
        }

        if (!changed)
        {
            _unchanged++;
        }
    }

    /// <summary>
    /// Creates the target of <paramref name="node"/>. When its ACL would keep this session from creating its
    /// children (or, with --faithful, from bumping its versions), it is created with that ACL plus a grant for
    /// this session, and its own ACL is set once everything below it exists.
    /// </summary>
    private async Task CreateAsync(NodePair pair, Znode node, CancellationToken cancellationToken)
    {
        if (ParentOf(pair.TargetPath) is { } parent && _createLocked.Remove(parent, out var parentAcl))
        {
            NeedsCredentials($"{parent} needs CREATE to create its children: its ACL grants it to {TargetIdentity.Holders(parentAcl, ZooKeeperPermissions.Create)} (--target-auth)");
            return;
        }

        var (mode, ttl, kind) = KindOf(pair.SourcePath, node);
        var needed = (node.Children.Count > 0 ? ZooKeeperPermissions.Create : ZooKeeperPermissions.None)
            | (options.Faithful ? ZooKeeperPermissions.Write | ZooKeeperPermissions.Create | ZooKeeperPermissions.Delete : ZooKeeperPermissions.None);
        var acl = node.Acl.Count == 0 ? ZooKeeperAcl.OpenUnsafe : node.Acl;
        if ((_identity.Granted(acl) & needed) != needed)
        {
            var grant = needed | ZooKeeperPermissions.Admin;
            _deferredAcls.Add((pair.TargetPath, acl, Update: false));
            acl = _identity.WithGrant(acl, grant);
        }

        await WriteAsync(Op.CreateNullable(pair.TargetPath, node.Data, mode, acl, ttl), kind, new CopyAction(CopyActionKind.Create, pair.TargetPath, mode == CreateMode.Persistent ? null : mode.ToString()), cancellationToken).ConfigureAwait(false);
        if (options.Faithful)
        {
            // A created znode's data version is 0. One session's requests apply in order, so the setData that raise
            // it can follow in the next batches without reading the target again (WRITE was granted above).
            await BumpVersionAsync(pair.TargetPath, node, 0, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The kind the source's data dir stored, when read from a snapshot; else the caller's rules.</summary>
    private (CreateMode Mode, long TtlMs, WriteKind Kind) KindOf(string sourcePath, Znode node)
    {
        var (mode, ttl) = node.StoredKind is { } stored ? (stored, node.TtlMs) : ZnodeKinds.Of(options.Containers, options.Ttls, sourcePath);
        return (mode, ttl, mode switch
        {
            CreateMode.Container => WriteKind.CreateContainer,
            CreateMode.PersistentWithTtl => WriteKind.CreateTtl,
            _ => WriteKind.Create,
        });
    }

    /// <summary>
    /// An ACL change waits until the end (deepest first): set now, an ACL that keeps this session out would
    /// stop the creates below it. The target must let this session change the ACL (ADMIN).
    /// </summary>
    private void UpdateAcl(NodePair pair, Znode node, Znode current)
    {
        onAction?.Invoke(new CopyAction(CopyActionKind.SetAcl, pair.TargetPath, string.Join(',', node.Acl.Select(a => $"{a.Scheme}:{a.Id}:{a.Permissions}"))));
        if (Lacks(current, ZooKeeperPermissions.Admin, pair.TargetPath, "to set its ACL"))
        {
            return;
        }

        if (options.DryRun)
        {
            _aclUpdated++;
            return;
        }

        _deferredAcls.Add((pair.TargetPath, node.Acl, Update: true));
    }

    /// <summary>
    /// True (and the copy is marked as needing credentials) when <paramref name="current"/>'s ACL surely does not
    /// grant <paramref name="permission"/> to this session. An ACL with entries of other schemes (ip, sasl, x509)
    /// is tried: only the server knows whether they match.
    /// </summary>
    private bool Lacks(Znode current, ZooKeeperPermissions permission, string path, string why)
    {
        if ((_identity.Granted(current.Acl) & permission) == permission || TargetIdentity.HasUnknownEntries(current.Acl) || !options.CopyAcls)
        {
            return false;
        }

        NeedsCredentials($"{path} needs {permission.ToString().ToUpperInvariant()} {why}: its ACL grants it to {TargetIdentity.Holders(current.Acl, permission)} (--target-auth)");
        return true;
    }

    /// <summary>Records a znode the copy cannot write; from then on nothing more is written (the walk goes on to list them all).</summary>
    private void NeedsCredentials(string message)
    {
        _blocked = true;
        List(_needsCredentials, message);
    }

    private void ThrowIfNeedsCredentials()
    {
        if (_blocked)
        {
            throw new CopyFailedException(
                $"target: {_needsCredentials.Count} znode(s) cannot be written by this copy; nothing more was written once the first was found: {string.Join("; ", _needsCredentials)}",
                Summary(),
                _needsCredentials.FirstOrDefault()?.Split(' ')[0],
                KeeperErrorCode.NoAuth);
        }
    }

    private void NoteExtras(TreeWalker walker, NodePair pair, Znode node, Znode existing)
    {
        var sourceChildren = node.Children.ToHashSet(StringComparer.Ordinal);
        if (options.CopyAcls && (_identity.Granted(existing.Acl) & ZooKeeperPermissions.Create) == 0 && !TargetIdentity.HasUnknownEntries(existing.Acl)
            && node.Children.Any(c => !existing.Children.Contains(c)))
        {
            // Reported only if a child is really to be created (not a source ephemeral, not older than --mtime).
            _createLocked[pair.TargetPath] = existing.Acl;
        }

        if (existing.Children.Count == 0)
        {
            return;
        }

        var extras = false;
        foreach (var child in existing.Children)
        {
            var relative = pair.Relative + "/" + child;
            if (sourceChildren.Contains(child) || walker.IsSystemTargetPath(relative))
            {
                continue;
            }

            _extra++;
            extras = true;
            var path = options.Target.Resolve(relative);
            List(_extraPaths, path);
            if (options.Delete)
            {
                _deleteRoots.Add(path);
            }
        }

        if (extras && options.Delete)
        {
            Lacks(existing, ZooKeeperPermissions.Delete, pair.TargetPath, "to delete its extra children");
        }
    }

    private async Task FaithfulVisitAsync(NodePair pair, CancellationToken cancellationToken)
    {
        if (pair.Source is not { IsEphemeral: false } node || pair.Target is not { IsEphemeral: false } current)
        {
            return;
        }

        if (current.Stat.Version < node.Stat.Version)
        {
            await BumpVersionAsync(pair.TargetPath, node, current.Stat.Version, cancellationToken).ConfigureAwait(false);
        }
        else if (current.Stat.Version > node.Stat.Version)
        {
            List(_unfaithful, $"{pair.TargetPath}: data version {current.Stat.Version} on the target is above the source's {node.Stat.Version}");
        }

        if (!options.SequentialCounters)
        {
            return;
        }

        var sourceCounter = node.SequentialCounter;
        var targetCounter = current.SequentialCounter;
        if (targetCounter < sourceCounter)
        {
            var bumps = sourceCounter - targetCounter;
            var child = pair.TargetPath == "/" ? "/" + SequenceBumpChild : pair.TargetPath + "/" + SequenceBumpChild;
            for (var i = 0; i < bumps; i++)
            {
                var detail = i == 0 ? new CopyAction(CopyActionKind.BumpSequence, pair.TargetPath, $"next sequential number {targetCounter} -> {sourceCounter}") : null;
                await WriteAsync(Op.Create(child, ReadOnlyMemory<byte>.Empty), WriteKind.SequenceBumpCreate, detail, cancellationToken).ConfigureAwait(false);
                await WriteAsync(Op.Delete(child), WriteKind.SequenceBump, null, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (targetCounter > sourceCounter)
        {
            List(_unfaithful, $"{pair.TargetPath}: next sequential number {targetCounter} on the target is above the source's {sourceCounter}");
        }
    }

    /// <summary>Raises the data version of <paramref name="targetPath"/> from <paramref name="current"/> to the source's with setData of the source's data.</summary>
    private async Task BumpVersionAsync(string targetPath, Znode node, int current, CancellationToken cancellationToken)
    {
        for (var version = current; version < node.Stat.Version; version++)
        {
            await WriteAsync(Op.SetDataNullable(targetPath, node.Data), WriteKind.VersionBump, version == current ? new CopyAction(CopyActionKind.BumpVersion, targetPath, $"data version {current} -> {node.Stat.Version}") : null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes the extra subtrees deepest first, except another session's ephemerals (read from each znode's
    /// Stat: a broker already registered on the target keeps its registration) and the ancestors that keep them.
    /// </summary>
    private async Task DeleteExtrasAsync(CancellationToken cancellationToken)
    {
        foreach (var root in _deleteRoots)
        {
            var levels = new List<List<string>> { new() { root } };
            var kept = new HashSet<string>(StringComparer.Ordinal);
            while (levels[^1].Count > 0)
            {
                var next = new List<string>();
                var listed = await Task.WhenAll(levels[^1].Select(p => ListChildrenAsync(p, cancellationToken))).ConfigureAwait(false);
                for (var i = 0; i < listed.Length; i++)
                {
                    var path = levels[^1][i];
                    if (listed[i] is not { } children)
                    {
                        continue;
                    }

                    if (children.Stat.EphemeralOwner != 0)
                    {
                        _ephemeralsKeptCount++;
                        List(_ephemeralsKept, $"{path} (ephemeral of session 0x{children.Stat.EphemeralOwner:x})");
                        for (var keep = path; keep.Length >= root.Length; keep = ParentOf(keep) ?? string.Empty)
                        {
                            kept.Add(keep);
                        }

                        continue;
                    }

                    next.AddRange(children.Children.Select(c => path + "/" + c));
                }

                levels.Add(next);
            }

            for (var level = levels.Count - 1; level >= 0; level--)
            {
                foreach (var path in levels[level].Where(p => !kept.Contains(p)))
                {
                    await WriteAsync(Op.Delete(path), WriteKind.Delete, new CopyAction(CopyActionKind.Delete, path), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<ChildrenResult?> ListChildrenAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await target.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return null;
        }
        catch (KeeperException e)
        {
            throw CopyException.FromKeeper("target", "listing the children of", path, e);
        }
    }

    private async Task WriteAsync(Op op, WriteKind kind, CopyAction? action, CancellationToken cancellationToken)
    {
        if (_blocked)
        {
            // Once a znode is known to need other credentials nothing more is written; the walk goes on to list every such znode.
            return;
        }

        if (action is not null)
        {
            onAction?.Invoke(action);
        }

        if (options.DryRun)
        {
            _planned[(int)kind]++;
            return;
        }

        try
        {
            await _writer.AddAsync(op, kind, cancellationToken).ConfigureAwait(false);
        }
        catch (CopyException e)
        {
            await DrainAsync().ConfigureAwait(false);
            throw new CopyFailedException(e.Message, Summary(), e.Path, e.Code, e);
        }
    }

    /// <summary>The ACLs that waited for the znodes below them, deepest first (setACL has no multi form).</summary>
    private async Task SetDeferredAclsAsync(CancellationToken cancellationToken)
    {
        if (options.DryRun || _deferredAcls.Count == 0)
        {
            return;
        }

        foreach (var level in _deferredAcls.GroupBy(a => a.Path.Count(c => c == '/')).OrderByDescending(g => g.Key))
        {
            await Task.WhenAll(level.Select(async item =>
            {
                try
                {
                    await target.SetAclAsync(item.Path, item.Acl, cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (item.Update)
                    {
                        Interlocked.Increment(ref _aclUpdated);
                    }
                }
                catch (KeeperException e)
                {
                    throw new CopyException($"target: setting the ACL of {item.Path} failed: {e.Code}{(e.Code == KeeperErrorCode.NoAuth ? " (this session lacks ADMIN on it: --target-auth)" : string.Empty)}", item.Path, e.Code, e);
                }
            })).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (options.DryRun)
        {
            return;
        }

        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_writer.Failure is { } failure)
        {
            throw new CopyFailedException($"target: {failure.Message}", Summary(), failure.Path, failure.Code, failure.Inner);
        }
    }

    /// <summary>After a failure: let the requests in flight finish so the summary counts what was acknowledged.</summary>
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
        }
        catch (Exception e) when (e is CopyException or KeeperException or OperationCanceledException)
        {
            // The first failure is the one reported.
        }
    }

    /// <summary>
    /// Before anything is written: when the target path does not exist yet, its deepest existing ancestor must
    /// let this session create under it. Returns that ancestor (or the target path itself when it exists).
    /// </summary>
    private async Task<string> CheckTargetPathAsync(CancellationToken cancellationToken)
    {
        var path = options.Target.Path;
        var existing = "/";
        IReadOnlyList<ZooKeeperAcl>? acl = null;
        for (var end = path.Length; ; end = path.LastIndexOf('/', end - 1))
        {
            var candidate = end <= 0 ? "/" : path[..end];
            try
            {
                acl = (await target.GetAclAsync(candidate, cancellationToken).ConfigureAwait(false)).Acl;
                existing = candidate;
                break;
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode && candidate != "/")
            {
                // Not there yet: look further up.
            }
            catch (KeeperException e)
            {
                throw CopyException.FromKeeper("target", "reading the ACL of", candidate, e);
            }
        }

        if (existing != path && acl is not null && (_identity.Granted(acl) & ZooKeeperPermissions.Create) == 0 && !TargetIdentity.HasUnknownEntries(acl))
        {
            var message = $"{existing} needs CREATE to create {path} under it: its ACL grants it to {TargetIdentity.Holders(acl, ZooKeeperPermissions.Create)} (--target-auth)";
            NeedsCredentials(message);
            throw new CopyFailedException($"target: {message}; nothing was written", Summary(), existing, KeeperErrorCode.NoAuth);
        }

        return existing;
    }

    /// <summary>
    /// TTL znodes need <c>zookeeper.extendedTypesEnabled=true</c> on the target; the API cannot ask, so a probe
    /// TTL znode is created (and deleted) under <paramref name="parent"/>. Unimplemented means the option is off.
    /// </summary>
    private async Task CheckTtlSupportAsync(string parent, CancellationToken cancellationToken)
    {
        var probe = (parent == "/" ? "/" : parent + "/") + TtlProbe + Guid.NewGuid().ToString("N");
        try
        {
            await target.CreateAsync(probe, ReadOnlyMemory<byte>.Empty, CreateMode.PersistentWithTtl, ttlMs: 60_000, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.Unimplemented)
        {
            throw new CopyException(
                $"target: {options.Target.Hosts} does not accept TTL znodes (Unimplemented: start it with zookeeper.extendedTypesEnabled=true), and --ttl names {string.Join(", ", options.Ttls.Select(t => t.Pattern.Text))}; nothing was written",
                null,
                e.Code,
                e);
        }
        catch (KeeperException e)
        {
            throw CopyException.FromKeeper("target", "checking TTL support by creating", probe, e);
        }

        try
        {
            await target.DeleteAsync(probe, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e)
        {
            throw CopyException.FromKeeper("target", "deleting the TTL probe", probe, e);
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

    private static string? ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 || path == "/" ? null : slash == 0 ? "/" : path[..slash];
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

    private long Count(WriteKind kind) => options.DryRun ? _planned[(int)kind] : _writer.Acknowledged(kind);

    private CopySummary Summary() => new()
    {
        Source = options.Source.ToString(),
        Target = options.Target.ToString(),
        DryRun = options.DryRun,
        SourceNodes = _sourceNodes,
        Created = Count(WriteKind.Create) + Count(WriteKind.CreateContainer) + Count(WriteKind.CreateTtl),
        ContainersCreated = Count(WriteKind.CreateContainer),
        TtlCreated = Count(WriteKind.CreateTtl),
        KindsChecked = options.Containers.Count > 0 || options.Ttls.Count > 0 || options.SourceSnapshot is not null,
        DataUpdated = Count(WriteKind.SetData),
        AclUpdated = Interlocked.Read(ref _aclUpdated),
        Deleted = Count(WriteKind.Delete),
        Unchanged = _unchanged,
        SkippedOlder = _skippedOlder,
        Ephemerals = _ephemerals,
        EphemeralPaths = [.. _ephemeralPaths],
        PersistentCopiesOfEphemerals = _persistentCopyCount,
        PersistentCopiesOfEphemeralsPaths = [.. _persistentCopies],
        TargetEphemeralsKept = _ephemeralsKeptCount,
        TargetEphemeralsKeptPaths = [.. _ephemeralsKept],
        NeedsCredentials = [.. _needsCredentials],
        Vanished = _vanished,
        VanishedPaths = [.. _vanishedPaths],
        ExtraOnTarget = _extra,
        ExtraPaths = [.. _extraPaths],
        VersionBumps = Count(WriteKind.VersionBump),
        SequenceBumps = Count(WriteKind.SequenceBump),
        Unfaithful = [.. _unfaithful],
        Batches = _writer.Batches,
        ModifiedSince = options.ModifiedSince,
        Complete = _complete,
        NextModifiedSince = _complete ? _nextModifiedSince : null,
        NextModifiedSinceExact = startZxid is not null,
        Elapsed = _clock.Elapsed,
    };
}
