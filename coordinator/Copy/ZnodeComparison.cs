namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// What a diff compares of one source znode and its target counterpart, wherever both were read (two live servers,
/// or two trees read from data dirs): the one set of rules, so that every diff reports the same differences.
/// </summary>
internal static class ZnodeComparison
{
    /// <summary>
    /// Reports through <paramref name="add"/> how <paramref name="target"/> differs from <paramref name="source"/>:
    /// presence, kind (ephemeral or persistent), data, ACL and, when <paramref name="faithful"/>, the data version and
    /// the sequential counter. A source ephemeral is never copied: only a persistent copy of it is a difference.
    /// </summary>
    /// <returns>True when both are persistent znodes, so the caller goes on to compare their children.</returns>
    public static bool Compare(Znode source, Znode? target, string sourcePath, string targetPath, bool faithful, Action<Difference> add)
    {
        if (source.IsEphemeral)
        {
            if (target is { IsEphemeral: false })
            {
                add(new Difference(DifferenceKind.PersistentCopyOfEphemeral, sourcePath, $"{targetPath} is persistent; the source's is an ephemeral of session 0x{source.Stat.EphemeralOwner:x}"));
            }

            return false;
        }

        if (target is null)
        {
            add(new Difference(DifferenceKind.MissingOnTarget, sourcePath, targetPath));
            return false;
        }

        if (target.IsEphemeral)
        {
            add(new Difference(DifferenceKind.EphemeralOnTarget, sourcePath, $"{targetPath} is an ephemeral of session 0x{target.Stat.EphemeralOwner:x}; the source's is persistent"));
            return false;
        }

        if (!source.SameData(target))
        {
            add(new Difference(DifferenceKind.Data, sourcePath, $"{source.DescribeData()} on the source, {target.DescribeData()} on the target"));
        }

        if (!CopyRun.AclEquals(source.Acl, target.Acl))
        {
            add(new Difference(DifferenceKind.Acl, sourcePath, $"{Describe(source.Acl)} vs {Describe(target.Acl)}"));
        }

        if (faithful && source.Stat.Version != target.Stat.Version)
        {
            add(new Difference(DifferenceKind.DataVersion, sourcePath, $"{source.Stat.Version} vs {target.Stat.Version}"));
        }

        if (faithful && source.SequentialCounter != target.SequentialCounter)
        {
            add(new Difference(DifferenceKind.SequentialCounter, sourcePath, $"next sequential number {source.SequentialCounter} vs {target.SequentialCounter}"));
        }

        return true;
    }

    private static string Describe(IReadOnlyList<ZooKeeper.ZooKeeperAcl> acl) =>
        "[" + string.Join(',', acl.Select(a => $"{a.Scheme}:{a.Id}:{a.Permissions}")) + "]";
}
