using System.Diagnostics;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>Options of <see cref="TreeDiffer"/>.</summary>
public sealed record DiffOptions
{
    public required TreeLocation Source { get; init; }

    public required TreeLocation Target { get; init; }

    /// <summary>
    /// A snapshot of the source tree read earlier: a source znode with its czxid and aversion takes the snapshot's ACL
    /// (exact: the same znode, its ACL unchanged since) without a getACL. Every target ACL is read. Null reads every ACL.
    /// </summary>
    internal ChrootSnapshot? AclBase { get; init; }

    /// <summary>Also compare data versions and sequential counters. Default false.</summary>
    public bool Faithful { get; init; }

    /// <summary>Default <see cref="ReadPath.MultiRead"/>.</summary>
    public ReadPath ReadPath { get; init; } = ReadPath.MultiRead;

    public string? SourceAuth { get; init; }

    public string? TargetAuth { get; init; }

    /// <summary>TLS and SASL for the source session; null: plain TCP, no SASL.</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? SourceSecurity { get; init; }

    /// <summary>TLS and SASL for the target session; null: plain TCP, no SASL.</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? TargetSecurity { get; init; }

    /// <summary>Differences kept in the result (all are counted). Default 1000.</summary>
    public int ListedDifferences { get; init; } = 1000;

    /// <summary>The servers' jute.maxbuffer (bytes): every read request is sized under it. Default 0xfffff, ZooKeeper's default.</summary>
    public int MaxFrameBytes { get; init; } = ZooKeeper.ZooKeeperClientOptions.DefaultMaxFrameBytes;
}

/// <summary>How two trees differ at one path.</summary>
public enum DifferenceKind
{
    MissingOnTarget,

    /// <summary>On the target only; the detail says when it is another session's ephemeral (which <c>copy --delete</c> keeps).</summary>
    ExtraOnTarget,

    /// <summary>Different bytes, or null data on one side and empty data on the other.</summary>
    Data,
    Acl,
    DataVersion,
    SequentialCounter,

    /// <summary>Ephemeral on the source, persistent on the target: a stale copy the owning session would collide with.</summary>
    PersistentCopyOfEphemeral,

    /// <summary>Persistent on the source, another session's ephemeral on the target.</summary>
    EphemeralOnTarget,
}

/// <summary>One difference; <see cref="Path"/> is the source path (the target path for extras).</summary>
public sealed record Difference(DifferenceKind Kind, string Path, string? Detail = null);

/// <summary>The outcome of a diff: equal or not, and how.</summary>
public sealed record DiffResult
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    public long Compared { get; init; }

    public long DifferenceCount { get; init; }

    public required IReadOnlyList<Difference> Differences { get; init; }

    /// <summary>Source ephemerals, which are not compared.</summary>
    public long EphemeralsSkipped { get; init; }

    public TimeSpan Elapsed { get; init; }

    public bool Equal => DifferenceCount == 0;
}

/// <summary>
/// <c>zkmitosis diff</c>: compares two subtrees (data, ACLs, children; with <see cref="DiffOptions.Faithful"/>
/// data versions and sequential counters). Source ephemerals and ZooKeeper's own <c>/zookeeper</c> are ignored.
/// </summary>
public static class TreeDiffer
{
    /// <exception cref="CopyException">a server could not be reached or read, or the source path does not exist.</exception>
    public static async Task<DiffResult> DiffAsync(DiffOptions options, CopyProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        await using var source = await SessionFactory.ConnectAsync("source", options.Source.Hosts, options.SourceAuth, options.SourceSecurity, options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
        await using var target = await SessionFactory.ConnectAsync("target", options.Target.Hosts, options.TargetAuth, options.TargetSecurity, options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
        var walker = new TreeWalker(
            new ZnodeReader(source, options.ReadPath, "source", aclBase: options.AclBase),
            new ZnodeReader(target, options.ReadPath, "target"),
            options.Source,
            options.Target,
            new WalkSettings(250, 8, options.MaxFrameBytes));
        var differences = new DifferenceTally(options.ListedDifferences);
        long compared = 0;
        long ephemerals = 0;

        await walker.WalkAsync(_ => true, async pair =>
        {
            if (pair.Source is not { } node)
            {
                if (pair.Relative.Length == 0)
                {
                    throw new CopyException($"source: {pair.SourcePath} does not exist on {options.Source.Hosts}", pair.SourcePath, ZooKeeper.KeeperErrorCode.NoNode);
                }

                return;
            }

            compared++;
            progress?.AddRead(1);
            if (!ZnodeComparison.Compare(node, pair.Target, pair.SourcePath, pair.TargetPath, options.Faithful, differences.Add))
            {
                ephemerals += node.IsEphemeral ? 1 : 0;
                return;
            }

            var other = pair.Target!;
            var sourceChildren = node.Children.ToHashSet(StringComparer.Ordinal);
            foreach (var child in other.Children)
            {
                var relative = pair.Relative + "/" + child;
                if (!sourceChildren.Contains(child) && !walker.IsSystemTargetPath(relative))
                {
                    var path = options.Target.Resolve(relative);
                    var owner = await EphemeralOwnerAsync(target, path, cancellationToken).ConfigureAwait(false);
                    differences.Add(new Difference(DifferenceKind.ExtraOnTarget, path, owner is { } session ? $"ephemeral of session 0x{session:x}" : null));
                }
            }
        }, cancellationToken).ConfigureAwait(false);

        return new DiffResult
        {
            Source = options.Source.ToString(),
            Target = options.Target.ToString(),
            Compared = compared,
            DifferenceCount = differences.Count,
            Differences = differences.Listed,
            EphemeralsSkipped = ephemerals,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>The session owning an extra target znode, or null when it is persistent or gone (extras are few: one exists each).</summary>
    private static async Task<long?> EphemeralOwnerAsync(ZooKeeper.ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ExistsAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false) is { EphemeralOwner: not 0 } stat ? stat.EphemeralOwner : null;
        }
        catch (ZooKeeper.KeeperException e)
        {
            throw CopyException.FromKeeper("target", "reading the Stat of", path, e);
        }
    }
}
