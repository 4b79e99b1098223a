using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>Persistent and persistent recursive watches (addWatch) on a real ZooKeeper 3.8 server.</summary>
public sealed class ZooKeeperClientPersistentWatchTests(StandaloneServerFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<StandaloneServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AddWatch_Recursive_EveryChangeBelowInOrderAndNothingOutside()
    {
        await using var writer = await server.ConnectAsync();
        await using var watcher = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(writer, "recursive");
        await writer.CreateAsync(root + "-outside", default);
        var recorder = new WatchRecorder();
        await watcher.AddWatchAsync(root, AddWatchMode.PersistentRecursive, recorder.Record);

        await writer.CreateAsync(root + "/a", default);
        await writer.SetDataAsync(root + "/a", new byte[] { 1 });
        await writer.SetDataAsync(root + "/a", new byte[] { 2 });
        var last = await writer.Create2Async(root + "/a/b", default);
        await writer.SetDataAsync(root + "-outside", new byte[] { 1 });
        await writer.DeleteAsync(root + "/a/b");
        await writer.DeleteAsync(root + "/a");
        await writer.SetDataAsync(root, new byte[] { 3 });

        var zxid = await watcher.FlushWatchEventsAsync(root);
        Assert.True(zxid >= last.Stat.Czxid, $"barrier zxid 0x{zxid:x} below a change it must cover (0x{last.Stat.Czxid:x})");
        Assert.Equal(
            [
                new WatchedEvent(WatchEventType.NodeCreated, ZooKeeperState.Connected, root + "/a"),
                new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, root + "/a"),
                new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, root + "/a"),
                new WatchedEvent(WatchEventType.NodeCreated, ZooKeeperState.Connected, root + "/a/b"),
                new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, root + "/a/b"),
                new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, root + "/a"),
                new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, root),
            ],
            recorder.Events);
    }

    [Fact]
    public async Task AddWatch_Persistent_FiresEveryTimeForThePathAndItsChildrenList()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "persistent");
        var recorder = new WatchRecorder();
        await client.AddWatchAsync(root, AddWatchMode.Persistent, recorder.Record);

        await client.SetDataAsync(root, new byte[] { 1 });
        await client.SetDataAsync(root, new byte[] { 2 });
        await client.CreateAsync(root + "/child", default);
        await client.SetDataAsync(root + "/child", new byte[] { 1 });
        await client.FlushWatchEventsAsync(root);

        Assert.Equal(
            [
                new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, root),
                new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, root),
                new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, root),
            ],
            recorder.Events);
    }

    [Fact]
    public async Task RemoveWatch_NoMoreEvents_SecondRemoveIsNoWatcher()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "remove");
        var recorder = new WatchRecorder();
        await client.AddWatchAsync(root, AddWatchMode.PersistentRecursive, recorder.Record);
        await client.CreateAsync(root + "/before", default);
        await client.FlushWatchEventsAsync(root);
        Assert.Single(recorder.Events);

        await client.RemoveWatchAsync(root, AddWatchMode.PersistentRecursive, recorder.Record);
        await client.CreateAsync(root + "/after", default);
        await client.FlushWatchEventsAsync(root);

        Assert.Single(recorder.Events);
        var error = await Assert.ThrowsAsync<KeeperException>(() => client.RemoveWatchAsync(root, AddWatchMode.PersistentRecursive, recorder.Record));
        Assert.Equal(KeeperErrorCode.NoWatcher, error.Code);
    }

    [Fact]
    public async Task Reconnect_SameSession_PersistentWatchesReRegisteredWithSetWatches2()
    {
        await using var writer = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(writer, "rewatch");
        await using var client = await server.ConnectAsync(options: new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(10),
            RequestTimeout = TimeSpan.FromSeconds(30),
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Logger = new TestLogger(output, "client"),
        });
        var recursive = new WatchRecorder();
        var persistent = new WatchRecorder();
        // Two paths: a 3.8 server keeps one watch mode per path and connection (ZOOKEEPER-4466, fixed in 3.9).
        await writer.CreateAsync(root + "/sub", default);
        await client.AddWatchAsync(root + "/sub", AddWatchMode.PersistentRecursive, recursive.Record);
        await client.AddWatchAsync(root, AddWatchMode.Persistent, persistent.Record);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var losses = 0;
        client.StateChanged += change =>
        {
            if (change.Current == ZooKeeperState.Disconnected)
            {
                Interlocked.Increment(ref losses);
            }
            else if (Volatile.Read(ref losses) > 0 && change.Current == ZooKeeperState.Connected)
            {
                reconnected.TrySetResult();
            }
        };

        // A second connection with the same session takes it over: the server drops the client's connection (and
        // the watches it carried). The intruder then closes its socket without closing the session.
        var host = HostEndpoint.Parse(server.ConnectString.Split(',')[0], server.ConnectString);
        var (intruder, response) = await ZooKeeperConnection.OpenAsync(host, new IgnoringOwner(), new ConnectRequestData(client.LastZxidSeen, 10_000, client.SessionId, client.SessionPassword, false), new ConnectionSecurity(null, null, () => 1), 1 << 20, 1 << 20, TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);
        Assert.False(response.IsExpired);
        intruder!.Fail(new IOException("test intruder leaves"));
        await Eventually.WithinAsync(reconnected.Task.ContinueWith(_ => true), Timeout, "the client reconnects with its session");

        // Under load the intruder's attach can land after the client's first reconnection and drop it once more; a
        // change made between two connections has no event (none is replayed), so each attempt starts after the last loss.
        for (var attempt = 0; ; attempt++)
        {
            var lossesBefore = Volatile.Read(ref losses);
            // A reply on the new connection: the server has processed the setWatches2 sent before it, so the
            // writes below cannot land between the reconnection and the re-registration (that gap has no event).
            await client.ExistsAsync(root);
            await writer.CreateAsync(root + $"/sub/after-reconnect-{attempt}", default);
            await writer.CreateAsync(root + $"/after-reconnect-{attempt}", default);
            await client.FlushWatchEventsAsync(root);
            if (Volatile.Read(ref losses) != lossesBefore && attempt < 5)
            {
                continue;
            }

            Assert.Contains(new WatchedEvent(WatchEventType.NodeCreated, ZooKeeperState.Connected, root + $"/sub/after-reconnect-{attempt}"), recursive.Events);
            Assert.Contains(new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, root), persistent.Events);
            break;
        }
    }

    [Fact]
    public async Task Close_PersistentWatcherGetsOneNoneEvent()
    {
        var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "closewatch");
        var recorder = new WatchRecorder();
        await client.AddWatchAsync(root, AddWatchMode.PersistentRecursive, recorder.Record);

        await client.CloseAsync();

        Assert.Equal([new WatchedEvent(WatchEventType.None, ZooKeeperState.Closed, null)], recorder.Events);
    }

    private sealed class IgnoringOwner : IConnectionOwner
    {
        public void OnZxidSeen(long zxid)
        {
        }

        public void OnNotification(int type, int state, string? serverPath)
        {
        }

        public void OnAuthFailed(ZooKeeperConnection connection)
        {
        }

        public ZooKeeperAuthenticationException OnSaslRequired(ZooKeeperConnection connection) =>
            new(ZooKeeperAuthenticationFailure.SaslRequired, connection.ToString() ?? "", "not expected in this test");
    }
}
