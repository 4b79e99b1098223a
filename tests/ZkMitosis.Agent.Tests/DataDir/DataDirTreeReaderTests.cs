extern alias AgentServer;

using AgentServer::ZkMitosis.Agent.DataDir;
using AgentServer::ZkMitosis.Agent.Files;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Agent.Tests.DataDir;

/// <summary>
/// The data-dir tree reader against a real ZooKeeper 3.8 data dir (snapshots every 100–200 txns, extended types on):
/// every node kind, null and empty data, ACLs, a snapshot and txns after it; compared with what the live server answers.
/// </summary>
public sealed class DataDirTreeReaderTests : IAsyncLifetime
{
    private const string Chroot = "/tenant";
    private const long TtlMs = 3_600_000;

    private static readonly ZooKeeperAcl ReadOnlyAcl = new(ZooKeeperPermissions.Read, "world", "anyone");

    private readonly TestDirectory _copies = new("zkat-tree");
    private ZooKeeperEnsemble? _server;
    private ZooKeeperClient? _client;
    private ZooKeeperClient? _owner;
    private long _snapshotBeforeChanges;

    private string DataDir => _server!.Servers[0].Config.DataDirectory;

    public async Task InitializeAsync()
    {
        _server = await ZooKeeperEnsemble.StartStandaloneAsync(
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["zookeeper.snapCount"] = "200", ["zookeeper.extendedTypesEnabled"] = "true" });
        _client = await ZooKeeperClient.ConnectAsync(_server.ConnectString);

        // Without ADMIN on a node, getACL shows a digest id as "user:x" (ZOOKEEPER-1392); the data dir holds the hash.
        await _client.AddAuthAsync("digest", "user:secret"u8.ToArray());
        _owner = await ZooKeeperClient.ConnectAsync(_server.ConnectString);
        await BuildTreeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }

        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _copies.Dispose();
    }

    [Fact]
    public async Task Read_LiveDataDir_EqualsTheLiveServerWithKinds()
    {
        var read = DataDirTreeReader.Read(DataDir, DataDir, Chroot);

        await AssertEqualsLiveAsync(read);
        AssertKinds(read.Tree);
    }

    [Fact]
    public async Task Read_OnlyTheSnapshotBeforeTheChanges_ReplaysTheLogsToTheSameTree()
    {
        var copy = CopyDataDir("replay");
        foreach (var snapshot in Snapshots(copy).Where(s => Zxid(s) > _snapshotBeforeChanges))
        {
            File.Delete(snapshot);
        }

        var read = DataDirTreeReader.Read(copy, copy, Chroot);

        Assert.Equal(_snapshotBeforeChanges, read.Snapshot.Zxid);
        Assert.True(read.TxnsApplied >= 10, $"{read.TxnsApplied} txns applied");
        await AssertEqualsLiveAsync(read);
        AssertKinds(read.Tree);
    }

    [Fact]
    public async Task Read_NewestSnapshotCorrupt_FallsBackToThePreviousOne()
    {
        var copy = CopyDataDir("corrupt");
        var newest = Snapshots(copy)[^1];
        var bytes = await File.ReadAllBytesAsync(newest);
        bytes[bytes.Length / 2] ^= 0x5a;
        await File.WriteAllBytesAsync(newest, bytes);

        var read = DataDirTreeReader.Read(copy, copy, Chroot);

        Assert.True(read.Snapshot.Zxid < Zxid(newest));
        Assert.Contains(read.Warnings, w => w.Contains(Path.GetFileName(newest), StringComparison.Ordinal));
        await AssertEqualsLiveAsync(read);
    }

    [Fact]
    public async Task Read_NewestSnapshotTruncated_FallsBackToThePreviousOne()
    {
        var copy = CopyDataDir("torn");
        var newest = Snapshots(copy)[^1];
        var bytes = await File.ReadAllBytesAsync(newest);
        await File.WriteAllBytesAsync(newest, bytes[..(bytes.Length * 2 / 3)]);

        var read = DataDirTreeReader.Read(copy, copy, Chroot);

        Assert.True(read.Snapshot.Zxid < Zxid(newest));
        Assert.Contains(read.Warnings, w => w.Contains("truncated", StringComparison.Ordinal));
        await AssertEqualsLiveAsync(read);
    }

    [Fact]
    public void Read_EverySnapshotCorrupt_RefusesNamingTheProblem()
    {
        var copy = CopyDataDir("all-bad");
        foreach (var snapshot in Snapshots(copy))
        {
            var bytes = File.ReadAllBytes(snapshot);
            bytes[20] ^= 0x01;
            File.WriteAllBytes(snapshot, bytes);
        }

        var error = Assert.Throws<InvalidSnapshotException>(() => DataDirTreeReader.Read(copy, copy, Chroot));

        Assert.Contains("no valid snapshot", error.Message, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CompressedSnapshotOnly_RefusesClearly()
    {
        var copy = CopyDataDir("gz");
        var snapshots = Snapshots(copy);
        foreach (var snapshot in snapshots[..^1])
        {
            File.Delete(snapshot);
        }

        File.Move(snapshots[^1], snapshots[^1] + ".gz");

        var error = Assert.Throws<InvalidSnapshotException>(() => DataDirTreeReader.Read(copy, copy, Chroot));

        Assert.Contains("compressed snapshot ('gz'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LogAfterTheSnapshotMissing_RefusesInsteadOfAGappedTree()
    {
        var copy = CopyDataDir("gap");
        var snapshots = Snapshots(copy);
        foreach (var snapshot in snapshots.Skip(1))
        {
            File.Delete(snapshot);
        }

        // The log holding the first txn after the oldest snapshot goes; the logs rolled after it remain.
        var oldest = Zxid(snapshots[0]);
        var logs = Directory.GetFiles(Path.Combine(copy, "version-2"), "log.*").OrderBy(Zxid).ToList();
        var holding = logs.Last(l => Zxid(l) <= oldest + 1);
        Assert.True(logs.IndexOf(holding) < logs.Count - 1, "the test needs a log rolled after the one it removes");
        File.Delete(holding);

        var error = Assert.Throws<PreconditionFailedException>(() => DataDirTreeReader.Read(copy, copy, Chroot));

        Assert.Equal("TXN_LOG", error.Type);
        Assert.Contains("a log is missing", error.Message, StringComparison.Ordinal);
    }

    private static void AssertKinds(ZnodeTree tree)
    {
        Assert.Equal(ZnodeKind.Container, tree.Get(Chroot + "/container")!.Kind);
        Assert.Equal(ZnodeKind.Container, tree.Get(Chroot + "/later-container")!.Kind);
        Assert.Equal(ZnodeKind.Ttl, tree.Get(Chroot + "/ttl")!.Kind);
        Assert.Equal(TtlMs, tree.Get(Chroot + "/ttl")!.TtlMs);
        Assert.Equal(ZnodeKind.Ttl, tree.Get(Chroot + "/later-ttl")!.Kind);
        Assert.Equal(TtlMs / 2, tree.Get(Chroot + "/later-ttl")!.TtlMs);
        Assert.Equal(ZnodeKind.Ephemeral, tree.Get(Chroot + "/ephemeral")!.Kind);
        Assert.Equal(ZnodeKind.Persistent, tree.Get(Chroot + "/data")!.Kind);
        Assert.Null(tree.Get(Chroot + "/null")!.Data);
        Assert.NotNull(tree.Get(Chroot + "/empty")!.Data);
        Assert.Empty(tree.Get(Chroot + "/empty")!.Data!);
        Assert.Null(tree.Get(Chroot + "/later-null")!.Data);
        Assert.Null(tree.Get(Chroot + "/gone-ephemeral"));
        Assert.Null(tree.Get(Chroot + "/deleted"));
    }

    private async Task AssertEqualsLiveAsync(DataDirTree read)
    {
        var live = await LiveTree.ReadAsync(_client!, Chroot);
        var srvrZxid = (await _client!.ExistsAsync(Chroot + "/last"))!.Mzxid;
        Assert.Equal(srvrZxid, read.Zxid);
        var fromDisk = read.Tree.PreOrder().ToDictionary(n => n.Path, n => n.Node, StringComparer.Ordinal);
        Assert.Equal(live.Keys.Order(StringComparer.Ordinal), fromDisk.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, expected) in live)
        {
            var node = fromDisk[path];
            Assert.True(expected.Data is null == node.Data is null, $"{path}: null data differs");
            Assert.Equal(expected.Data ?? [], node.Data ?? []);
            Assert.Equal(expected.Acl, node.Acl);
            Assert.Equal(expected.Children.Order(StringComparer.Ordinal), node.Children.Order(StringComparer.Ordinal));
            var stat = expected.Stat;
            var clientOwner = node.Kind == ZnodeKind.Ephemeral ? node.EphemeralOwner : 0;
            Assert.Equal(
                stat,
                new ZooKeeperStat(node.Czxid, node.Mzxid, node.Ctime, node.Mtime, node.Version, node.ClientCversion, node.Aversion, clientOwner, node.Data?.Length ?? 0, node.Children.Count, node.Pzxid));
        }
    }

    /// <summary>Phase one (then a snapshot covers it), phase two (only in the log after that snapshot).</summary>
    private async Task BuildTreeAsync()
    {
        var zk = _client!;
        await zk.CreateAsync(Chroot, "t"u8.ToArray());
        await zk.CreateAsync(Chroot + "/data", "v1"u8.ToArray());
        await zk.CreateAsync(Chroot + "/empty", ReadOnlyMemory<byte>.Empty);
        await zk.MultiAsync([Op.CreateWithNullData(Chroot + "/null")]);
        await zk.CreateAsync(Chroot + "/container", "c"u8.ToArray(), CreateMode.Container);
        await zk.CreateAsync(Chroot + "/container/child", "x"u8.ToArray());
        await zk.CreateAsync(Chroot + "/ttl", "t"u8.ToArray(), CreateMode.PersistentWithTtl, ttlMs: TtlMs);
        await zk.CreateAsync(Chroot + "/acl", "a"u8.ToArray(), acl: [ZooKeeperAcl.Digest("user", "secret", ZooKeeperPermissions.All), ReadOnlyAcl]);
        await zk.CreateAsync(Chroot + "/deleted", "d"u8.ToArray());
        await zk.CreateAsync(Chroot + "/seq-", "s"u8.ToArray(), CreateMode.PersistentSequential);
        await _owner!.CreateAsync(Chroot + "/ephemeral", "e"u8.ToArray(), CreateMode.Ephemeral);
        await zk.CreateAsync(Chroot + "/filler", ReadOnlyMemory<byte>.Empty);
        var firstPhaseZxid = (await zk.ExistsAsync(Chroot + "/filler"))!.Mzxid;

        // snapCount 200 snapshots every 100–200 txns: 260 writes make one that covers phase one.
        for (var i = 0; i < 260; i++)
        {
            await zk.SetDataAsync(Chroot + "/filler", new[] { (byte)i });
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Snapshots(DataDir).All(s => Zxid(s) < firstPhaseZxid))
        {
            await Task.Delay(100, wait.Token);
        }

        _snapshotBeforeChanges = Snapshots(DataDir).Select(Zxid).Max();

        // Phase two: fewer txns than the next snapshot needs.
        await zk.SetDataAsync(Chroot + "/data", "v2"u8.ToArray());
        await zk.SetAclAsync(Chroot + "/data", [ReadOnlyAcl, new ZooKeeperAcl(ZooKeeperPermissions.All, "ip", "127.0.0.1")]);
        await zk.DeleteAsync(Chroot + "/deleted");
        await zk.CreateAsync(Chroot + "/later-container", ReadOnlyMemory<byte>.Empty, CreateMode.Container);
        await zk.CreateAsync(Chroot + "/later-ttl", "t2"u8.ToArray(), CreateMode.PersistentWithTtl, ttlMs: TtlMs / 2);
        await zk.MultiAsync(
        [
            Op.CreateWithNullData(Chroot + "/later-null"),
            Op.Create(Chroot + "/later-multi", "m"u8.ToArray()),
            Op.SetDataNullable(Chroot + "/empty", []),
        ]);
        await zk.SetDataAsync(Chroot + "/null", "now-set"u8.ToArray());
        await using (var shortLived = await ZooKeeperClient.ConnectAsync(_server!.ConnectString))
        {
            await shortLived.CreateAsync(Chroot + "/gone-ephemeral", "g"u8.ToArray(), CreateMode.Ephemeral);
        }

        // A failed multi logs an error txn that must change nothing.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var result = await zk.MultiAsync([Op.Create(Chroot + "/never", ReadOnlyMemory<byte>.Empty), Op.Delete(Chroot + "/missing")]);
            if (!result.Committed)
            {
                throw new InvalidOperationException("rolled back");
            }
        });
        await zk.CreateAsync(Chroot + "/last", "z"u8.ToArray());
        Assert.Null(await zk.ExistsAsync(Chroot + "/gone-ephemeral"));
        await zk.SetDataAsync(Chroot + "/null", "now-set"u8.ToArray());
        await zk.MultiAsync([Op.SetDataNullable(Chroot + "/null", null)]);
        await zk.SetDataAsync(Chroot + "/last", "z2"u8.ToArray());
    }

    private string CopyDataDir(string name)
    {
        var target = Path.Combine(_copies.Path, name);
        Directory.CreateDirectory(Path.Combine(target, "version-2"));
        foreach (var file in Directory.GetFiles(Path.Combine(DataDir, "version-2")))
        {
            File.Copy(file, Path.Combine(target, "version-2", Path.GetFileName(file)));
        }

        return target;
    }

    private static List<string> Snapshots(string dataDir) =>
        Directory.GetFiles(Path.Combine(dataDir, "version-2"), "snapshot.*").OrderBy(Zxid).ToList();

    private static long Zxid(string file)
    {
        var name = Path.GetFileName(file);
        var hex = name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..].Split('.')[0];
        return Convert.ToInt64(hex, 16);
    }
}
