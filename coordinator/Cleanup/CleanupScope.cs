using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Cleanup;

/// <summary>Where a znode stands against the moved chroots, for the cleanup after the split.</summary>
public enum CleanupPlace
{
    /// <summary>A moved chroot or below it: the tenant's data, kept.</summary>
    Moved,

    /// <summary>An ancestor of a moved chroot (<c>/</c>, <c>/apps</c> for <c>/apps/kafka</c>): kept, its other children looked at.</summary>
    Ancestor,

    /// <summary>ZooKeeper's own subtree, <c>/zookeeper</c> (quotas, config): never touched.</summary>
    System,

    /// <summary>Anything else: another tenant's data, copied by the split; the whole subtree is extra on the destination.</summary>
    Extra,
}

/// <summary>The chroots a migration moved, and where any path stands against them.</summary>
public sealed class CleanupScope
{
    private const string SystemPath = "/zookeeper";

    /// <param name="movedChroots">Absolute paths of the moved chroots; none of them <c>/</c> (a plan moving the whole tree has nothing to prune).</param>
    /// <exception cref="ArgumentException">a chroot is not an absolute path, is <c>/</c>, or is inside <c>/zookeeper</c>.</exception>
    public CleanupScope(IEnumerable<string> movedChroots)
    {
        Chroots = [.. movedChroots.Select(Normalize).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (Chroots.Count == 0)
        {
            throw new ArgumentException("no moved chroot: nothing marks what to keep");
        }
    }

    /// <summary>The moved chroots, normalized (no trailing '/'), sorted.</summary>
    public IReadOnlyList<string> Chroots { get; }

    /// <summary>The chroots of the tenants the plan moved to the destination.</summary>
    public static CleanupScope Of(MigrationPlan plan) => new(plan.MovedTenants.Select(t => t.Chroot));

    /// <summary>Where <paramref name="path"/> (absolute) stands.</summary>
    public CleanupPlace PlaceOf(string path)
    {
        if (path == SystemPath || path.StartsWith(SystemPath + "/", StringComparison.Ordinal))
        {
            return CleanupPlace.System;
        }

        if (Chroots.Any(c => path == c || path.StartsWith(c + "/", StringComparison.Ordinal)))
        {
            return CleanupPlace.Moved;
        }

        return path == "/" || Chroots.Any(c => c.StartsWith(path + "/", StringComparison.Ordinal)) ? CleanupPlace.Ancestor : CleanupPlace.Extra;
    }

    private static string Normalize(string chroot)
    {
        var path = chroot.TrimEnd('/');
        if (!chroot.StartsWith('/') || path.Length == 0 || path.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{chroot}' is not a chroot to keep (an absolute path other than /)");
        }

        return path == SystemPath || path.StartsWith(SystemPath + "/", StringComparison.Ordinal)
            ? throw new ArgumentException($"'{chroot}' is inside ZooKeeper's own /zookeeper")
            : path;
    }
}
