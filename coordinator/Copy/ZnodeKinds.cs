using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// The kind a target znode is created with. Servers report containers and TTL znodes as persistent ones, so the
/// kind comes from the caller's rules (<c>--container</c>, <c>--ttl</c>); the copy and the mirror share them.
/// </summary>
internal static class ZnodeKinds
{
    /// <summary>Container when a container pattern matches the source path, TTL (with its ms) when a TTL rule does, else persistent.</summary>
    public static (CreateMode Mode, long TtlMs) Of(IReadOnlyList<PathPattern> containers, IReadOnlyList<TtlRule> ttls, string sourcePath)
    {
        if (containers.Any(p => p.Matches(sourcePath)))
        {
            return (CreateMode.Container, 0);
        }

        return ttls.FirstOrDefault(t => t.Pattern.Matches(sourcePath)) is { } ttl
            ? (CreateMode.PersistentWithTtl, ttl.TtlMs)
            : (CreateMode.Persistent, 0);
    }
}
