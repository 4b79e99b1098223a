using System.Text;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Copy;

/// <summary>
/// The in-memory diff of two chroots read from data dirs (the copy strategy's verify at the block): every kind of
/// difference a live diff reports, found in two hand-built trees under different chroots.
/// </summary>
public sealed class SnapshotDifferTests
{
    private static readonly ZooKeeperStat Stat = new(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    private static readonly IReadOnlyList<ZooKeeperAcl> ReadOnly = [new(ZooKeeperPermissions.Read, "world", "anyone")];

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The tree both sides share: a root with a parent (3 sequential children made, 2 left) and a leaf.</summary>
    private static ChrootSnapshot Tree(string chroot, Action<ChrootSnapshot>? more = null)
    {
        var tree = new ChrootSnapshot(chroot, 0x100000010, "test " + chroot);
        tree.Add(chroot, Bytes("root"), Stat with { NumChildren = 2 }, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        tree.Add(chroot + "/parent", null, Stat with { Cversion = 4, NumChildren = 2 }, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        tree.Add(chroot + "/parent/n-0000000001", Bytes("1"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        tree.Add(chroot + "/parent/n-0000000002", Bytes("2"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        more?.Invoke(tree);
        return tree;
    }

    [Fact]
    public void Diff_SameTreesUnderDifferentChroots_Equal()
    {
        var diff = SnapshotDiffer.Diff(Tree("/a"), Tree("/b/c"), faithful: true, 20);

        Assert.True(diff.Equal);
        Assert.Equal(4, diff.Compared);
    }

    [Fact]
    public void Diff_EveryKindOfDifference_EachReportedAtItsSourcePath()
    {
        var source = Tree("/a", t =>
        {
            t.Add("/a/data", Bytes("x"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/a/acl", Bytes("x"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/a/version", Bytes("x"), Stat with { Version = 3 }, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/a/missing", Bytes("x"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/a/missing/child", Bytes("x"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/a/session", Bytes("x"), Stat with { EphemeralOwner = 0x42 }, ZooKeeperAcl.OpenUnsafe, null, 0);
            t.Add("/a/mine", Bytes("x"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        });
        var target = Tree("/b", t =>
        {
            t.Add("/b/data", Bytes("y"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/b/acl", Bytes("x"), Stat, ReadOnly, CreateMode.Persistent, 0);
            t.Add("/b/version", Bytes("x"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/b/session", Bytes("x"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/b/mine", Bytes("x"), Stat with { EphemeralOwner = 0x43 }, ZooKeeperAcl.OpenUnsafe, null, 0);
            t.Add("/b/extra", Bytes("x"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
            t.Add("/b/gone", Bytes("x"), Stat with { EphemeralOwner = 0x44 }, ZooKeeperAcl.OpenUnsafe, null, 0);
        });

        var diff = SnapshotDiffer.Diff(source, target, faithful: true, 20);

        Assert.Equal(
            [
                (DifferenceKind.ExtraOnTarget, "/b/extra"),
                (DifferenceKind.ExtraOnTarget, "/b/gone"),
                (DifferenceKind.Acl, "/a/acl"),
                (DifferenceKind.Data, "/a/data"),
                (DifferenceKind.EphemeralOnTarget, "/a/mine"),
                (DifferenceKind.MissingOnTarget, "/a/missing"),
                (DifferenceKind.MissingOnTarget, "/a/missing/child"),
                (DifferenceKind.PersistentCopyOfEphemeral, "/a/session"),
                (DifferenceKind.DataVersion, "/a/version"),
            ],
            diff.Differences.Select(d => (d.Kind, d.Path)));
        Assert.Equal("ephemeral of session 0x44", diff.Differences[1].Detail);
        Assert.Equal(1, diff.EphemeralsSkipped);
        Assert.Equal(11, diff.Compared);

        // Not faithful: the version is not compared. Listing is bounded, counting is not.
        var loose = SnapshotDiffer.Diff(source, target, faithful: false, 2);
        Assert.Equal(8, loose.DifferenceCount);
        Assert.Equal(2, loose.Differences.Count);
    }

    [Fact]
    public void Diff_SequentialCounterAhead_Reported()
    {
        var target = new ChrootSnapshot("/b", 1, "ahead");
        target.Add("/b", Bytes("root"), Stat with { NumChildren = 2 }, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        target.Add("/b/parent", null, Stat with { Cversion = 6, NumChildren = 2 }, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        target.Add("/b/parent/n-0000000001", Bytes("1"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        target.Add("/b/parent/n-0000000002", Bytes("2"), Stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);

        var diff = SnapshotDiffer.Diff(Tree("/a"), target, faithful: true, 20);

        var difference = Assert.Single(diff.Differences);
        Assert.Equal((DifferenceKind.SequentialCounter, "/a/parent"), (difference.Kind, difference.Path));
    }

    [Fact]
    public void Diff_SourceWithoutItsChroot_RefusedNamingIt()
    {
        var error = Assert.Throws<CopyException>(() => SnapshotDiffer.Diff(new ChrootSnapshot("/a", 1, "empty read"), Tree("/b"), true, 20));

        Assert.Contains("/a does not exist in empty read", error.Message, StringComparison.Ordinal);
    }
}
