using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Verification;

/// <summary>
/// Reads a whole chroot into a <see cref="ChrootSnapshot"/> with multiRead (ZooKeeper 3.6+, ZOOKEEPER-3617; the client
/// falls back to pipelined single reads on older servers): each request carries getData and getChildren of up to
/// <see cref="MaxChunk"/> znodes, sized under the server's frame limit by its paths, and <see cref="ReadsInFlight"/>
/// requests are in flight. One znode per request pair, as before, read about 6,500 znodes/s in a loaded lab; a
/// multiRead costs the server about a tenth of the CPU per znode (docs/benchmarks.md, copy).
/// </summary>
/// <remarks>
/// Few requests in flight, each short: the servers serve other tenants meanwhile, and ZooKeeper's CommitProcessor
/// holds a follower's commits while reads are in flight, so a whole level sent at once queued the source tenants'
/// requests behind thousands of ours (a 400 ms gap). A reply carries every znode of its chunk: chunks shrink once large
/// znodes are seen, and a chunk whose reply broke the connection (a frame above the session's reply limit) is read
/// again in halves.
/// </remarks>
internal static class ChrootReader
{
    /// <summary>Znodes one multiRead asks for (two reads each).</summary>
    public const int MaxChunk = 250;

    /// <summary>multiRead requests in flight at once.</summary>
    public const int ReadsInFlight = 4;

    /// <summary>The reply frame the reading session accepts: room for a chunk of large znodes.</summary>
    public const int ReplyFrameBytes = 16 * 1024 * 1024;

    /// <summary>What one chunk's reply should stay under, given the largest znode seen so far.</summary>
    private const int ReplyBudgetBytes = 2 * 1024 * 1024;

    /// <summary>A reply's bytes per znode besides its data and children: two op headers, the Stat, two lengths.</summary>
    private const int PerZnodeReplyBytes = 128;

    /// <summary>Connection losses tolerated in one read (each splits the chunk it hit) before the read fails.</summary>
    private const int MaxConnectionLosses = 16;

    /// <summary>
    /// Every znode under <paramref name="chroot"/> (included) through <paramref name="client"/> (a session without a
    /// chroot), with the digest of the persistent ones (path and version, in ordinal path order).
    /// </summary>
    /// <param name="client">The session; its MaxFrameBytes bounds every request.</param>
    /// <param name="chroot">The absolute root read.</param>
    /// <param name="maxFrameBytes">The servers' jute.maxbuffer: no request is larger.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="ChrootReadException">One znode's data and listing alone take a reply above the session's reply limit (names the znode).</exception>
    /// <exception cref="KeeperException">A read failed for another reason than a znode deleted meanwhile (NoAuth, connection lost again and again).</exception>
    public static async Task<ChrootSnapshot> ReadAsync(ZooKeeperClient client, string chroot, int maxFrameBytes, CancellationToken cancellationToken)
    {
        var nodes = new Dictionary<string, ZnodeSummary>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(chroot);
        var inFlight = new List<Task<Chunk>>();
        var largest = 0;
        var losses = 0;
        while (pending.Count > 0 || inFlight.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (pending.Count > 0 && inFlight.Count < ReadsInFlight)
            {
                var chunkSize = Math.Clamp(ReplyBudgetBytes / (largest + PerZnodeReplyBytes), 1, MaxChunk);
                var paths = new List<string>(Math.Min(chunkSize, pending.Count));
                var requestBytes = ZooKeeperClient.MultiOverheadBytes;
                while (paths.Count < chunkSize && pending.Count > 0)
                {
                    var bytes = 2 * client.MultiReadOpBytes(ReadOp.GetData(pending.Peek()));
                    if (paths.Count > 0 && requestBytes + bytes > maxFrameBytes)
                    {
                        break;
                    }

                    paths.Add(pending.Pop());
                    requestBytes += bytes;
                }

                inFlight.Add(ReadChunkAsync(client, paths, cancellationToken));
            }

            var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
            inFlight.Remove(done);
            var chunk = await done.ConfigureAwait(false);
            if (chunk.Lost is { } lost)
            {
                // The reply was too large for the session (or the connection dropped): read the same znodes in halves.
                if (chunk.Paths.Count == 1 && lost.InnerException is ZooKeeperProtocolException frame)
                {
                    // One znode whose data and listing alone do not fit a reply: say which, in one line, not the
                    // client's frame error.
                    var path = chunk.Paths[0];
                    throw new ChrootReadException(path, $"reading the data and children of {path} takes a larger reply than the migration's ZooKeeper client reads ({frame.Message}): shrink its data or move children of {path} before the migration", lost);
                }

                if (++losses > MaxConnectionLosses || chunk.Paths.Count == 1)
                {
                    throw lost;
                }

                foreach (var path in chunk.Paths)
                {
                    pending.Push(path);
                }

                largest = Math.Max(largest, ReplyBudgetBytes / Math.Max(1, chunk.Paths.Count / 2));
                continue;
            }

            foreach (var (path, data, children) in chunk.Results)
            {
                nodes[path] = new ZnodeSummary(data.Stat!.Version, data.Stat.Mzxid, data.Stat.EphemeralOwner != 0, data.Stat.DataLength) { Owner = data.Stat.EphemeralOwner };
                var childBytes = 0;
                foreach (var child in children)
                {
                    pending.Push(path == "/" ? "/" + child : path + "/" + child);
                    childBytes += child.Length + 4;
                }

                largest = Math.Max(largest, Math.Max(data.Stat.DataLength, childBytes));
            }
        }

        // Ordinal path order, as every reader of a snapshot lists it (reports, diffs).
        return new ChrootSnapshot(new SortedDictionary<string, ZnodeSummary>(nodes, StringComparer.Ordinal), Digest(nodes));
    }

    /// <summary>SHA-256 over each persistent znode's path and version, in ordinal path order (the baseline's digest).</summary>
    public static string Digest(IReadOnlyDictionary<string, ZnodeSummary> nodes)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in nodes.Where(n => !n.Value.Ephemeral).Select(n => n.Key).Order(StringComparer.Ordinal))
        {
            digest.AppendData(Encoding.UTF8.GetBytes(path + "\n" + nodes[path].Version.ToString(CultureInfo.InvariantCulture) + "\n"));
        }

        return Convert.ToHexStringLower(digest.GetHashAndReset());
    }

    private static async Task<Chunk> ReadChunkAsync(ZooKeeperClient client, List<string> paths, CancellationToken cancellationToken)
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
            results = await client.MultiReadAsync(ops, cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.ConnectionLoss)
        {
            return new Chunk(paths, [], e);
        }

        var read = new List<(string, ReadOpResult, IReadOnlyList<string>)>(paths.Count);
        for (var i = 0; i < paths.Count; i++)
        {
            var data = results[2 * i];
            var children = results[(2 * i) + 1];
            if (data.Error == KeeperErrorCode.NoNode || children.Error == KeeperErrorCode.NoNode)
            {
                // Deleted between being listed and being read: not part of the tree any more.
                continue;
            }

            foreach (var result in new[] { data, children })
            {
                if (result.Error != KeeperErrorCode.Ok)
                {
                    throw new KeeperException(result.Error, paths[i]);
                }
            }

            read.Add((paths[i], data, children.Children ?? []));
        }

        return new Chunk(paths, read, null);
    }

    /// <summary>One multiRead's znodes: each read one (data result with its Stat, children), or the connection loss that ended it.</summary>
    private sealed record Chunk(List<string> Paths, List<(string Path, ReadOpResult Data, IReadOnlyList<string> Children)> Results, KeeperException? Lost);
}
