using System.Text;

namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>Every operation against a real standalone ZooKeeper 3.8.</summary>
public sealed class ZooKeeperClientOperationsTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task CreateGetSetDelete_PersistentNode_RoundTrips()
    {
        await using var client = await server.ConnectAsync();
        Assert.Equal(ZooKeeperState.Connected, client.State);
        Assert.NotEqual(0, client.SessionId);
        Assert.Equal(16, client.SessionPassword.Length);
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "crud");

        Assert.Equal(root + "/a", await client.CreateAsync(root + "/a", Bytes("hello")));
        var data = await client.GetDataAsync(root + "/a");
        Assert.Equal("hello", Encoding.UTF8.GetString(data.Data));
        Assert.Equal(0, data.Stat.Version);
        Assert.Equal(5, data.Stat.DataLength);
        Assert.Equal(0, data.Stat.EphemeralOwner);
        Assert.True(data.Stat.Czxid > 0 && data.Stat.Czxid == data.Stat.Mzxid);
        Assert.True(data.Stat.Ctime > 0);

        var stat = await client.SetDataAsync(root + "/a", Bytes("x"), version: 0);
        Assert.Equal(1, stat.Version);
        Assert.True(stat.Mzxid > stat.Czxid);
        var error = await Assert.ThrowsAsync<KeeperException>(() => client.SetDataAsync(root + "/a", Bytes("y"), version: 0));
        Assert.Equal(KeeperErrorCode.BadVersion, error.Code);
        Assert.Equal(root + "/a", error.Path);
        Assert.False(error.IsTransient);

        var children = await client.GetChildrenAsync(root);
        Assert.Equal(["a"], children.Children);
        Assert.Equal(1, children.Stat.NumChildren);

        await client.DeleteAsync(root + "/a", version: 1);
        Assert.Null(await client.ExistsAsync(root + "/a"));
        var missing = await Assert.ThrowsAsync<KeeperException>(() => client.GetDataAsync(root + "/a"));
        Assert.Equal(KeeperErrorCode.NoNode, missing.Code);
    }

    [Fact]
    public async Task Create_ExistingNode_ThrowsNodeExists()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "exists");

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.CreateAsync(root, default));

        Assert.Equal(KeeperErrorCode.NodeExists, error.Code);
        Assert.Equal(root, error.Path);
    }

    [Fact]
    public async Task Delete_NodeWithChildren_ThrowsNotEmpty()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "notempty");
        await client.CreateAsync(root + "/child", default);

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.DeleteAsync(root));

        Assert.Equal(KeeperErrorCode.NotEmpty, error.Code);
    }

    [Fact]
    public async Task Create_SequentialAndEphemeralModes_ServerAppliesThem()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "modes");

        var first = await client.CreateAsync(root + "/seq-", default, CreateMode.PersistentSequential);
        var second = await client.CreateAsync(root + "/seq-", default, CreateMode.PersistentSequential);
        var ephemeral = await client.Create2Async(root + "/eph", default, CreateMode.Ephemeral);
        var ephemeralSequential = await client.CreateAsync(root + "/es-", default, CreateMode.EphemeralSequential);

        Assert.Equal(root + "/seq-0000000000", first);
        Assert.Equal(root + "/seq-0000000001", second);
        Assert.Equal(client.SessionId, ephemeral.Stat.EphemeralOwner);
        Assert.Matches(@"/es-\d{10}$", ephemeralSequential);
        var error = await Assert.ThrowsAsync<KeeperException>(() => client.CreateAsync(root + "/eph/child", default));
        Assert.Equal(KeeperErrorCode.NoChildrenForEphemerals, error.Code);
    }

    [Fact]
    public async Task Create2_ReturnsStatOfNewNode()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "create2");

        var result = await client.Create2Async(root + "/n", Bytes("abc"));

        Assert.Equal(root + "/n", result.Path);
        Assert.Equal(3, result.Stat.DataLength);
        Assert.Equal(0, result.Stat.Version);
        Assert.Equal(result.Stat, (await client.ExistsAsync(root + "/n"))!);
    }

    [Fact]
    public async Task Create_ContainerAndTtl_CreatedWithTheirKinds()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "kinds");

        var container = await client.Create2Async(root + "/container", default, CreateMode.Container);
        var ttl = await client.Create2Async(root + "/ttl", default, CreateMode.PersistentWithTtl, ttlMs: 60_000);
        var ttlSequential = await client.CreateAsync(root + "/ttls-", default, CreateMode.PersistentSequentialWithTtl, ttlMs: 60_000);

        // The server keeps the kind in ephemeralOwner but shows clients 0 for containers and TTL nodes.
        Assert.Equal(root + "/container", container.Path);
        Assert.Equal(0, container.Stat.EphemeralOwner);
        Assert.Equal(root + "/ttl", ttl.Path);
        Assert.Equal(0, ttl.Stat.EphemeralOwner);
        Assert.Matches(@"/ttls-\d{10}$", ttlSequential);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = client.CreateAsync(root + "/bad", default, CreateMode.PersistentWithTtl); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = client.CreateAsync(root + "/bad", default, CreateMode.Persistent, ttlMs: 5); });
    }

    [Fact]
    public async Task Exists_ExistingAndMissing_StatOrNull()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "existsop");

        var stat = await client.ExistsAsync(root);

        Assert.NotNull(stat);
        Assert.Null(await client.ExistsAsync(root + "/nope"));
    }

    [Fact]
    public async Task GetAclSetAcl_ReadUnsafe_WritesRefused()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "acl");

        var acl = await client.GetAclAsync(root);
        Assert.Equal(ZooKeeperAcl.OpenUnsafe, acl.Acl);
        var stat = await client.SetAclAsync(root, ZooKeeperAcl.ReadUnsafe, version: 0);
        Assert.Equal(1, stat.Aversion);
        Assert.Equal(ZooKeeperAcl.ReadUnsafe, (await client.GetAclAsync(root)).Acl);

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.SetDataAsync(root, Bytes("x")));
        Assert.Equal(KeeperErrorCode.NoAuth, error.Code);
    }

    [Fact]
    public async Task AddAuth_DigestAcl_OnlyTheAuthenticatedUserCanRead()
    {
        await using var owner = await server.ConnectAsync();
        await using var stranger = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(owner, "digest");
        await owner.AddAuthAsync("digest", Bytes("alice:secret"));

        await owner.CreateAsync(root + "/private", Bytes("mine"), acl: ZooKeeperAcl.CreatorAll);
        await owner.CreateAsync(root + "/explicit", Bytes("also"), acl: [ZooKeeperAcl.Digest("alice", "secret", ZooKeeperPermissions.All)]);

        Assert.Equal("mine", Encoding.UTF8.GetString((await owner.GetDataAsync(root + "/private")).Data));
        var acl = (await owner.GetAclAsync(root + "/private")).Acl;
        Assert.Equal([ZooKeeperAcl.Digest("alice", "secret", ZooKeeperPermissions.All)], acl);
        var refused = await Assert.ThrowsAsync<KeeperException>(() => stranger.GetDataAsync(root + "/explicit"));
        Assert.Equal(KeeperErrorCode.NoAuth, refused.Code);
        await stranger.AddAuthAsync("digest", Bytes("alice:wrong"));
        await Assert.ThrowsAsync<KeeperException>(() => stranger.GetDataAsync(root + "/explicit"));
        await stranger.AddAuthAsync("digest", Bytes("alice:secret"));
        Assert.Equal("also", Encoding.UTF8.GetString((await stranger.GetDataAsync(root + "/explicit")).Data));
    }

    [Fact]
    public async Task Sync_ExistingPath_Completes()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "sync");

        await client.SyncAsync(root);
    }

    [Fact]
    public async Task Multi_AllOpsSucceed_CommittedWithPerOpResults()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "multi");
        await client.CreateAsync(root + "/existing", Bytes("v0"));

        var result = await client.MultiAsync(
        [
            Op.Create(root + "/new", Bytes("n")),
            Op.Create(root + "/seq-", default, CreateMode.PersistentSequential),
            Op.SetData(root + "/existing", Bytes("v1"), version: 0),
            Op.Check(root + "/existing", version: 1),
            Op.Delete(root + "/new"),
        ]);

        Assert.True(result.Committed);
        Assert.Null(result.FirstFailure);
        Assert.Equal(5, result.Results.Count);
        Assert.All(result.Results, r => Assert.Equal(KeeperErrorCode.Ok, r.Error));
        Assert.Equal(root + "/new", result.Results[0].CreatedPath);
        // The sequence number is the parent's cversion: /existing and /new were created before.
        Assert.Equal(root + "/seq-0000000002", result.Results[1].CreatedPath);
        Assert.Equal(1, result.Results[2].Stat!.Version);
        Assert.Null(await client.ExistsAsync(root + "/new"));
        Assert.Equal("v1", Encoding.UTF8.GetString((await client.GetDataAsync(root + "/existing")).Data));
    }

    [Fact]
    public async Task Multi_OneOpFails_NothingAppliedAndFailureNamed()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "atomic");
        await client.CreateAsync(root + "/existing", Bytes("v0"));

        var result = await client.MultiAsync(
        [
            Op.Create(root + "/a", default),
            Op.SetData(root + "/existing", Bytes("changed")),
            Op.Check(root + "/existing", version: 7),
            Op.Create(root + "/b", default),
        ]);

        Assert.False(result.Committed);
        Assert.Equal([KeeperErrorCode.Ok, KeeperErrorCode.Ok, KeeperErrorCode.BadVersion, KeeperErrorCode.RuntimeInconsistency], result.Results.Select(r => r.Error));
        Assert.Equal(root + "/existing", result.FirstFailure!.Path);
        Assert.Equal(KeeperErrorCode.BadVersion, result.FirstFailure.Error);
        Assert.Null(await client.ExistsAsync(root + "/a"));
        Assert.Null(await client.ExistsAsync(root + "/b"));
        Assert.Equal("v0", Encoding.UTF8.GetString((await client.GetDataAsync(root + "/existing")).Data));
        var thrown = Assert.Throws<KeeperException>(() => result.EnsureCommitted());
        Assert.Equal(KeeperErrorCode.BadVersion, thrown.Code);
        Assert.Equal(root + "/existing", thrown.Path);
    }

    [Fact]
    public async Task MultiRead_MixedReads_EachHasItsOwnResult()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "multiread");
        await client.CreateAsync(root + "/a", Bytes("A"));
        await client.CreateAsync(root + "/b", Bytes("B"));

        var results = await client.MultiReadAsync(
        [
            ReadOp.GetData(root + "/a"),
            ReadOp.GetData(root + "/missing"),
            ReadOp.GetChildren(root),
            ReadOp.GetData(root + "/b"),
        ]);

        Assert.Equal(4, results.Count);
        Assert.Equal("A", Encoding.UTF8.GetString(results[0].Data!));
        Assert.Equal(1, results[0].Stat!.DataLength);
        Assert.Equal(KeeperErrorCode.NoNode, results[1].Error);
        Assert.Equal(root + "/missing", results[1].Path);
        Assert.Equal(["a", "b"], results[2].Children!.Order(StringComparer.Ordinal));
        Assert.Equal("B", Encoding.UTF8.GetString(results[3].Data!));
    }

    [Fact]
    public async Task GetData_DataOfAboutOneMegabyte_RoundTrips()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "big");
        var big = new byte[1_000_000];
        Random.Shared.NextBytes(big);

        await client.CreateAsync(root + "/big", big);
        var read = await client.GetDataAsync(root + "/big");

        Assert.Equal(big, read.Data);
    }

    [Fact]
    public async Task Send_FrameOverMaxFrameBytes_RefusedBeforeSending()
    {
        await using var client = await server.ConnectAsync(options: new ZooKeeperClientOptions { MaxFrameBytes = 64 * 1024, RequestTimeout = TimeSpan.FromSeconds(30) });
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "oversize");

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.CreateAsync(root + "/big", new byte[100_000]));

        Assert.Equal(KeeperErrorCode.MarshallingError, error.Code);
        Assert.Contains("frame limit", error.Message, StringComparison.Ordinal);
        Assert.Equal(ZooKeeperState.Connected, client.State);
        Assert.NotNull(await client.ExistsAsync(root));
    }

    [Fact]
    public async Task GetData_ReplyOverMaxFrameBytes_ConnectionFailsWithProtocolError()
    {
        await using var writer = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(writer, "bigreply");
        await writer.CreateAsync(root + "/big", new byte[200_000]);
        await using var reader = await server.ConnectAsync(options: new ZooKeeperClientOptions { MaxFrameBytes = 100_000, RequestTimeout = TimeSpan.FromSeconds(30) });

        var error = await Assert.ThrowsAsync<KeeperException>(() => reader.GetDataAsync(root + "/big"));

        Assert.Equal(KeeperErrorCode.ConnectionLoss, error.Code);
        Assert.IsType<ZooKeeperProtocolException>(error.InnerException);
        Assert.Contains("exceeds the frame limit", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipelining_TenThousandRequestsInFlight_AnsweredInOrder()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "pipeline");
        var order = new List<int>();
        var tasks = new Task[10_000];
        for (var i = 0; i < tasks.Length; i++)
        {
            var index = i;
            tasks[i] = client.SetDataAsync(root, BitConverter.GetBytes(i)).ContinueWith(t =>
            {
                lock (order)
                {
                    order.Add(t.Result.Version);
                }
            }, TaskScheduler.Default);
        }

        await Task.WhenAll(tasks);

        // Each setData bumped the version once, in send order: versions 1..10000 all present.
        Assert.Equal(Enumerable.Range(1, 10_000), order.Order());
        var final = await client.GetDataAsync(root);
        Assert.Equal(9_999, BitConverter.ToInt32(final.Data));
        Assert.Equal(10_000, final.Stat.Version);
    }

    [Fact]
    public async Task Chroot_PathsAreRelative_ServerSeesPrefix()
    {
        await using var plain = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(plain, "chroot");
        await using var rooted = await server.ConnectAsync(chroot: root);
        Assert.Equal(root, rooted.Chroot);
        var watch = new WatchRecorder();

        Assert.Equal("/a", await rooted.CreateAsync("/a", Bytes("1")));
        Assert.Equal("/s-0000000001", await rooted.CreateAsync("/s-", default, CreateMode.PersistentSequential));
        Assert.Equal("/c", (await rooted.Create2Async("/c", default)).Path);
        await rooted.GetDataAsync("/a", watch.Record);
        Assert.Equal("1", Encoding.UTF8.GetString((await plain.GetDataAsync(root + "/a")).Data));
        Assert.Equal(["a", "c", "s-0000000001"], (await rooted.GetChildrenAsync("/")).Children.Order(StringComparer.Ordinal));
        var multi = await rooted.MultiAsync([Op.Create("/m-", default, CreateMode.PersistentSequential)]);
        Assert.Equal("/m-0000000003", multi.Results[0].CreatedPath);
        await plain.SetDataAsync(root + "/a", Bytes("2"));

        var fired = await watch.NextAsync();
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/a"), fired);
    }

    [Fact]
    public async Task Watches_DataChildExists_EachFiresOnce()
    {
        await using var client = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "watch");
        await client.CreateAsync(root + "/d", Bytes("0"));
        var data = new WatchRecorder();
        var child = new WatchRecorder();
        var exists = new WatchRecorder();
        var deleted = new WatchRecorder();

        await client.GetDataAsync(root + "/d", data.Record);
        await client.GetChildrenAsync(root, child.Record);
        Assert.Null(await client.ExistsAsync(root + "/e", exists.Record));
        await client.ExistsAsync(root + "/d", deleted.Record);
        await other.SetDataAsync(root + "/d", Bytes("1"));
        await other.SetDataAsync(root + "/d", Bytes("2"));
        await other.CreateAsync(root + "/e", default);
        await other.CreateAsync(root + "/f", default);

        Assert.Equal(WatchEventType.NodeDataChanged, (await data.NextAsync()).Type);
        Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, root), await child.NextAsync());
        Assert.Equal(new WatchedEvent(WatchEventType.NodeCreated, ZooKeeperState.Connected, root + "/e"), await exists.NextAsync());
        Assert.Equal(WatchEventType.NodeDataChanged, (await deleted.NextAsync()).Type);
        // A round trip after the changes: any second (wrong) delivery would have been dispatched by now.
        await client.SyncAsync(root);
        await client.ExistsAsync(root);
        await Task.Delay(200);
        Assert.Single(data.Events);
        Assert.Single(child.Events);
        Assert.Single(exists.Events);
        Assert.Single(deleted.Events);
    }

    [Fact]
    public async Task Watch_NodeDeleted_DataAndChildWatchersFire()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "watchdel");
        await client.CreateAsync(root + "/x", default);
        var data = new WatchRecorder();
        var child = new WatchRecorder();
        await client.GetDataAsync(root + "/x", data.Record);
        await client.GetChildrenAsync(root + "/x", child.Record);

        await client.DeleteAsync(root + "/x");

        Assert.Equal(WatchEventType.NodeDeleted, (await data.NextAsync()).Type);
        Assert.Equal(WatchEventType.NodeDeleted, (await child.NextAsync()).Type);
    }

    [Fact]
    public async Task Close_WithEphemeralAndWatch_EphemeralGoneAndWatcherEnded()
    {
        await using var observer = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(observer, "close");
        var client = await server.ConnectAsync();
        var states = new List<ZooKeeperStateChange>();
        client.StateChanged += change => { lock (states) { states.Add(change); } };
        var watch = new WatchRecorder();
        await client.CreateAsync(root + "/eph", default, CreateMode.Ephemeral);
        await client.ExistsAsync(root + "/never", watch.Record);

        await client.CloseAsync();

        Assert.Equal(ZooKeeperState.Closed, client.State);
        Assert.Null(await observer.ExistsAsync(root + "/eph"));
        Assert.Equal(new WatchedEvent(WatchEventType.None, ZooKeeperState.Closed, null), await watch.NextAsync());
        await Eventually.TrueAsync(() => { lock (states) { return states.Any(s => s.Current == ZooKeeperState.Closed); } }, TimeSpan.FromSeconds(10), "Closed state event");
        var after = await Assert.ThrowsAsync<KeeperException>(() => client.GetDataAsync(root));
        Assert.Equal(KeeperErrorCode.SessionExpired, after.Code);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task GetConfig_Standalone_ReturnsConfigNode()
    {
        await using var client = await server.ConnectAsync(chroot: "/somewhere");

        var config = await client.GetConfigAsync();

        Assert.NotNull(config.Stat);
    }

    [Fact]
    public async Task Validate_BadPaths_ThrowBeforeSending()
    {
        await using var client = await server.ConnectAsync();

        var error = Assert.Throws<ArgumentException>(() => { _ = client.GetDataAsync("relative"); });
        Assert.Contains("'relative'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => { _ = client.CreateAsync("/a//b", default); });
        Assert.Throws<ArgumentException>(() => { _ = client.DeleteAsync("/a/"); });
    }
}
