using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>One znode of the source tree beside its counterpart on the target.</summary>
/// <param name="Relative">"" for the root, else "/a/b" below both roots.</param>
/// <param name="SourcePath">The absolute source path.</param>
/// <param name="TargetPath">The absolute target path.</param>
/// <param name="Source">The source znode; null when it vanished between being listed and being read.</param>
/// <param name="Target">The target znode; null when absent or not read.</param>
/// <param name="TargetRead">Whether <paramref name="Target"/> is known (read, or known absent because its parent is).</param>
internal sealed record NodePair(string Relative, string SourcePath, string TargetPath, Znode? Source, Znode? Target, bool TargetRead);

/// <summary>
/// Walks a source subtree depth first, reading many znodes per request and several requests at once, and
/// hands each one (with its target counterpart where wanted) to a visitor in an order where a parent is
/// always visited before its children. Memory stays bounded by the frontier (the siblings along the
/// current path), not by the size of the tree.
/// </summary>
internal sealed class TreeWalker(IZnodeSource source, ZnodeReader target, TreeLocation sourceRoot, TreeLocation targetRoot, WalkSettings settings)
{
    // ZooKeeper's own subtree (/zookeeper: quotas, config) is never copied nor compared.
    private const string SystemPath = "/zookeeper";

    private const int ReplyBudgetBytes = 4 * 1024 * 1024;

    /// <param name="wantTarget">Given a source znode whose target is not known absent: read its target?</param>
    /// <param name="visit">Called once per znode, in parent-before-child order, one call at a time.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public async Task WalkAsync(Func<Znode, bool> wantTarget, Func<NodePair, Task> visit, CancellationToken cancellationToken)
    {
        var pending = new Stack<WalkItem>();
        pending.Push(new WalkItem(string.Empty, TargetKnownAbsent: false));
        var inFlight = new List<Task<NodePair[]>>();
        while (pending.Count > 0 || inFlight.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (pending.Count > 0 && inFlight.Count < settings.ReadsInFlight)
            {
                var chunkSize = ChunkSize();
                var chunk = new List<WalkItem>(Math.Min(chunkSize, pending.Count));
                var requestBytes = ZooKeeperClient.MultiOverheadBytes;
                while (chunk.Count < chunkSize && pending.Count > 0)
                {
                    // A multiRead request grows with its paths: 200 siblings with 3,000-character names are 1.2 MB.
                    var bytes = RequestBytes(pending.Peek());
                    if (chunk.Count > 0 && requestBytes + bytes > settings.MaxFrameBytes)
                    {
                        break;
                    }

                    chunk.Add(pending.Pop());
                    requestBytes += bytes;
                }

                inFlight.Add(ReadChunkAsync(chunk, wantTarget, cancellationToken));
            }

            var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
            inFlight.Remove(done);
            foreach (var pair in await done.ConfigureAwait(false))
            {
                await visit(pair).ConfigureAwait(false);
                if (pair.Source is not { } node || node.IsEphemeral)
                {
                    continue;
                }

                // Pushed in reverse so that siblings are popped (and visited, roughly) in name order.
                var absent = pair.TargetRead && pair.Target is null;
                for (var i = node.Children.Count - 1; i >= 0; i--)
                {
                    var relative = pair.Relative + "/" + node.Children[i];
                    if (sourceRoot.Resolve(relative) != SystemPath)
                    {
                        pending.Push(new WalkItem(relative, absent));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Znodes per request: the configured chunk, fewer once large znodes are seen, so that one reply stays
    /// around <see cref="ReplyBudgetBytes"/> (a multiRead reply carries every znode of its chunk).
    /// </summary>
    private int ChunkSize()
    {
        var largest = Math.Max(source.LargestData, target.LargestData) + 256;
        return Math.Clamp(ReplyBudgetBytes / largest, 1, settings.ReadChunk);
    }

    /// <summary>
    /// The bytes one znode adds to a multiRead request (getData and getChildren of its path), on whichever side
    /// its path is longer: a chunk is read on both sides, so both requests stay under the frame limit.
    /// </summary>
    private int RequestBytes(WalkItem item)
    {
        var sourcePath = sourceRoot.Resolve(item.Relative);
        var targetPath = targetRoot.Resolve(item.Relative);
        return 2 * Math.Max(source.RequestBytes(sourcePath), target.RequestBytes(targetPath));
    }

    /// <summary>True for a path the walk never touches on the target side (ZooKeeper's own subtree).</summary>
    public bool IsSystemTargetPath(string relative) => targetRoot.Resolve(relative) == SystemPath;

    private async Task<NodePair[]> ReadChunkAsync(List<WalkItem> chunk, Func<Znode, bool> wantTarget, CancellationToken cancellationToken)
    {
        var sourceNodes = await source.ReadAsync([.. chunk.Select(c => sourceRoot.Resolve(c.Relative))], cancellationToken).ConfigureAwait(false);
        var targetIndexes = new List<int>();
        for (var i = 0; i < chunk.Count; i++)
        {
            // A source ephemeral's target is read too: a persistent copy of it there is reported.
            if (!chunk[i].TargetKnownAbsent && sourceNodes[i] is { } node && (node.IsEphemeral || wantTarget(node)))
            {
                targetIndexes.Add(i);
            }
        }

        var assumed = settings.TargetAclsFromBase ? targetIndexes.Select(i => sourceNodes[i] is { AclFromBase: true } s ? s.Acl : null).ToList() : null;
        var targetNodes = await target.ReadAsync([.. targetIndexes.Select(i => targetRoot.Resolve(chunk[i].Relative))], assumed, cancellationToken).ConfigureAwait(false);
        var pairs = new NodePair[chunk.Count];
        var next = 0;
        for (var i = 0; i < chunk.Count; i++)
        {
            var relative = chunk[i].Relative;
            var read = next < targetIndexes.Count && targetIndexes[next] == i;
            pairs[i] = new NodePair(relative, sourceRoot.Resolve(relative), targetRoot.Resolve(relative), sourceNodes[i], read ? targetNodes[next] : null, read || chunk[i].TargetKnownAbsent);
            if (read)
            {
                next++;
            }
        }

        return pairs;
    }

    private readonly record struct WalkItem(string Relative, bool TargetKnownAbsent);
}

/// <summary>How hard a walk reads: znodes per request, requests in flight, and the servers' frame limit (bytes) every read request stays under.</summary>
/// <param name="ReadChunk">Znodes per read request.</param>
/// <param name="ReadsInFlight">Read requests in flight per side.</param>
/// <param name="MaxFrameBytes">The servers' jute.maxbuffer (bytes): every read request stays under it.</param>
/// <param name="TargetAclsFromBase">
/// A copy's pass over a target it wrote from the source's ACL base: a target znode whose source ACL came from the base
/// takes that ACL without a getACL (the mirror's passes; never a diff, which reads every target ACL).
/// </param>
internal sealed record WalkSettings(int ReadChunk, int ReadsInFlight, int MaxFrameBytes, bool TargetAclsFromBase = false);
