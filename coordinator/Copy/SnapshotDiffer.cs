using System.Diagnostics;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// Compares two chroots read from data dirs (<see cref="ChrootSnapshot"/>: the agents' ReadTree on a source server and
/// on a destination server), in memory, with the rules of every diff (<see cref="ZnodeComparison"/>). No request
/// reaches either ensemble, and no ACL is read one znode at a time: the snapshots hold them. ZooKeeper's own
/// <c>/zookeeper</c> is left out on both sides, as a live diff leaves it out.
/// </summary>
internal static class SnapshotDiffer
{
    /// <param name="source">The source's chroot.</param>
    /// <param name="target">The target's chroot (its <see cref="ChrootSnapshot.Chroot"/> may differ from the source's).</param>
    /// <param name="faithful">Compare data versions and sequential counters too.</param>
    /// <param name="listedDifferences">At most this many differences are listed; all are counted.</param>
    /// <exception cref="CopyException">the source snapshot does not hold its chroot.</exception>
    public static DiffResult Diff(ChrootSnapshot source, ChrootSnapshot target, bool faithful, int listedDifferences)
    {
        var clock = Stopwatch.StartNew();
        if (source.Find(source.Chroot) is not { } root)
        {
            throw new CopyException($"source: {source.Chroot} does not exist in {source.Description}", source.Chroot, ZooKeeper.KeeperErrorCode.NoNode);
        }

        var differences = new DifferenceTally(listedDifferences);
        long compared = 0;
        long ephemerals = 0;

        // Depth first with an explicit stack: a deep chroot must not exhaust the thread's stack.
        var pending = new Stack<(Znode Node, string Relative)>();
        pending.Push((root, ""));
        while (pending.TryPop(out var item))
        {
            var (node, relative) = item;
            var targetPath = Resolve(target.Chroot, relative);
            var other = target.Find(targetPath);
            compared++;
            if (ZnodeComparison.Compare(node, other, node.Path, targetPath, faithful, differences.Add))
            {
                var sourceChildren = node.Children.ToHashSet(StringComparer.Ordinal);
                foreach (var child in other!.Children.Where(c => !sourceChildren.Contains(c)).Order(StringComparer.Ordinal))
                {
                    var path = Resolve(target.Chroot, relative + "/" + child);
                    if (path != "/zookeeper")
                    {
                        var extra = target.Find(path);
                        differences.Add(new Difference(DifferenceKind.ExtraOnTarget, path, extra is { IsEphemeral: true } e ? $"ephemeral of session 0x{e.Stat.EphemeralOwner:x}" : null));
                    }
                }
            }
            else if (node.IsEphemeral)
            {
                ephemerals++;
            }

            foreach (var child in node.Children.OrderDescending(StringComparer.Ordinal))
            {
                if (Resolve(source.Chroot, relative + "/" + child) is var path && path != "/zookeeper" && source.Find(path) is { } next)
                {
                    pending.Push((next, relative + "/" + child));
                }
            }
        }

        return new DiffResult
        {
            Source = source.Description,
            Target = target.Description,
            Compared = compared,
            DifferenceCount = differences.Count,
            Differences = differences.Listed,
            EphemeralsSkipped = ephemerals,
            Elapsed = clock.Elapsed,
        };
    }

    private static string Resolve(string chroot, string relative) => relative.Length == 0 ? chroot : chroot == "/" ? relative : chroot + relative;
}
