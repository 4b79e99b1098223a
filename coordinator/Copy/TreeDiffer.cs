using System.Diagnostics;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>Options of <see cref="TreeDiffer"/>.</summary>
public sealed record DiffOptions
{
    public required TreeLocation Source { get; init; }

    public required TreeLocation Target { get; init; }

    /// <summary>Also compare data versions and sequential counters. Default false.</summary>
    public bool Faithful { get; init; }

    /// <summary>Default <see cref="ReadPath.MultiRead"/>.</summary>
    public ReadPath ReadPath { get; init; } = ReadPath.MultiRead;

    public string? SourceAuth { get; init; }

    public string? TargetAuth { get; init; }

    /// <summary>Differences kept in the result (all are counted). Default 1000.</summary>
    public int ListedDifferences { get; init; } = 1000;
}

public enum DifferenceKind { MissingOnTarget, ExtraOnTarget, Data, Acl, DataVersion, SequentialCounter }

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
        await using var source = await SessionFactory.ConnectAsync("source", options.Source.Hosts, options.SourceAuth, cancellationToken).ConfigureAwait(false);
        await using var target = await SessionFactory.ConnectAsync("target", options.Target.Hosts, options.TargetAuth, cancellationToken).ConfigureAwait(false);
        var walker = new TreeWalker(
            new ZnodeReader(source, options.ReadPath, "source"),
            new ZnodeReader(target, options.ReadPath, "target"),
            options.Source,
            options.Target,
            new WalkSettings(250, 8));
        var differences = new List<Difference>();
        long count = 0;
        long compared = 0;
        long ephemerals = 0;
        void Add(Difference difference)
        {
            count++;
            if (differences.Count < options.ListedDifferences)
            {
                differences.Add(difference);
            }
        }

        await walker.WalkAsync(_ => true, pair =>
        {
            if (pair.Source is not { } node)
            {
                if (pair.Relative.Length == 0)
                {
                    throw new CopyException($"source: {pair.SourcePath} does not exist on {options.Source.Hosts}", pair.SourcePath, ZooKeeper.KeeperErrorCode.NoNode);
                }

                return Task.CompletedTask;
            }

            compared++;
            progress?.AddRead(1);
            if (node.IsEphemeral)
            {
                ephemerals++;
                return Task.CompletedTask;
            }

            if (pair.Target is not { } other)
            {
                Add(new Difference(DifferenceKind.MissingOnTarget, pair.SourcePath, pair.TargetPath));
                return Task.CompletedTask;
            }

            if (!node.Data.AsSpan().SequenceEqual(other.Data))
            {
                Add(new Difference(DifferenceKind.Data, pair.SourcePath, $"{node.Data.Length} bytes on the source, {other.Data.Length} on the target"));
            }

            if (!CopyRun.AclEquals(node.Acl, other.Acl))
            {
                Add(new Difference(DifferenceKind.Acl, pair.SourcePath, $"{Describe(node.Acl)} vs {Describe(other.Acl)}"));
            }

            if (options.Faithful && node.Stat.Version != other.Stat.Version)
            {
                Add(new Difference(DifferenceKind.DataVersion, pair.SourcePath, $"{node.Stat.Version} vs {other.Stat.Version}"));
            }

            if (options.Faithful && node.SequentialCounter != other.SequentialCounter)
            {
                Add(new Difference(DifferenceKind.SequentialCounter, pair.SourcePath, $"next sequential number {node.SequentialCounter} vs {other.SequentialCounter}"));
            }

            var sourceChildren = node.Children.ToHashSet(StringComparer.Ordinal);
            foreach (var child in other.Children)
            {
                var relative = pair.Relative + "/" + child;
                if (!sourceChildren.Contains(child) && !walker.IsSystemTargetPath(relative))
                {
                    Add(new Difference(DifferenceKind.ExtraOnTarget, options.Target.Resolve(relative)));
                }
            }

            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);

        return new DiffResult
        {
            Source = options.Source.ToString(),
            Target = options.Target.ToString(),
            Compared = compared,
            DifferenceCount = count,
            Differences = differences,
            EphemeralsSkipped = ephemerals,
            Elapsed = clock.Elapsed,
        };
    }

    private static string Describe(IReadOnlyList<ZooKeeper.ZooKeeperAcl> acl) =>
        "[" + string.Join(',', acl.Select(a => $"{a.Scheme}:{a.Id}:{a.Permissions}")) + "]";
}
