using System.Text;

namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>Failover, watches across reconnects, config and reconfig on a real 3-node ensemble.</summary>
public sealed class ZooKeeperClientEnsembleTests(EnsembleFixture ensemble) : IClassFixture<EnsembleFixture>
{
    private static readonly ZooKeeperClientOptions Options = new()
    {
        SessionTimeout = TimeSpan.FromSeconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(40),
    };

    [Fact]
    public async Task KillConnectedServer_SessionMovesToAnotherServer_SameSessionAndEphemeralKept()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options);
        await using var observer = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options);
        var states = new List<ZooKeeperState>();
        client.StateChanged += change => { lock (states) { states.Add(change.Current); } };
        var path = $"/failover-{Guid.NewGuid():N}";
        await client.CreateAsync(path, default, CreateMode.Ephemeral);
        var sessionId = client.SessionId;
        var first = client.ConnectedServer!;
        var victim = ensemble.IndexOf(first);
        try
        {
            await ensemble.Ensemble.Servers[victim].KillAsync();
            await WaitUntilOffAsync(client, first);

            // The next call waits for the reconnection instead of failing.
            var stat = await Transient.RetryAsync(() => client.ExistsAsync(path));

            Assert.NotNull(stat);
            Assert.Equal(sessionId, stat!.EphemeralOwner);
            Assert.Equal(sessionId, client.SessionId);
            Assert.NotEqual(first, client.ConnectedServer);
            Assert.Equal(ZooKeeperState.Connected, client.State);
            await Eventually.TrueAsync(() => { lock (states) { return states.Contains(ZooKeeperState.Disconnected) && states[^1] == ZooKeeperState.Connected; } }, TimeSpan.FromSeconds(10), "Disconnected then Connected state events");
            await Transient.RetryAsync(() => client.SetDataAsync(path, Encoding.UTF8.GetBytes("after")));
            Assert.Equal(sessionId, (await Transient.RetryAsync(() => observer.ExistsAsync(path)))!.EphemeralOwner);
        }
        finally
        {
            await ensemble.RestoreAsync();
        }
    }

    [Fact]
    public async Task Watches_ServerKilledAndNodeChangedWhileDisconnected_FireOnceAfterReconnect()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options);
        var root = $"/watch-reconnect-{Guid.NewGuid():N}";
        await client.CreateAsync(root, default);
        await client.CreateAsync(root + "/d", Encoding.UTF8.GetBytes("0"));
        var victim = ensemble.IndexOf(client.ConnectedServer);
        var survivor = (victim + 1) % 3;
        await using var writer = await ZooKeeperClient.ConnectAsync(ensemble.ConnectStringOf(survivor), Options);
        var data = new WatchRecorder();
        var child = new WatchRecorder();
        var exists = new WatchRecorder();
        var later = new WatchRecorder();
        await client.GetDataAsync(root + "/d", data.Record);
        await client.GetChildrenAsync(root, child.Record);
        await client.ExistsAsync(root + "/e", exists.Record);
        await client.ExistsAsync(root + "/d", later.Record);
        try
        {
            await ensemble.Ensemble.Servers[victim].KillAsync();
            // Changed while the client has no connection: setWatches with the last zxid seen must report these.
            await Transient.RetryAsync(() => writer.SetDataAsync(root + "/d", Encoding.UTF8.GetBytes("1")));
            await Transient.RetryAsync(async () =>
            {
                try
                {
                    await writer.CreateAsync(root + "/e", default);
                }
                catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
                {
                    // An earlier attempt was applied before its connection was lost.
                }
            });

            Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, root + "/d"), await data.NextAsync(timeout: TimeSpan.FromSeconds(60)));
            Assert.Equal(WatchEventType.NodeChildrenChanged, (await child.NextAsync()).Type);
            Assert.Equal(WatchEventType.NodeCreated, (await exists.NextAsync()).Type);
            Assert.Equal(WatchEventType.NodeDataChanged, (await later.NextAsync()).Type);
            Assert.NotEqual(ensemble.ConnectStringOf(victim), client.ConnectedServer);

            // Re-registered watches are one-shot too: a further change fires nothing more.
            var fresh = new WatchRecorder();
            await Transient.RetryAsync(() => client.GetDataAsync(root + "/d", fresh.Record));
            await Transient.RetryAsync(() => writer.SetDataAsync(root + "/d", Encoding.UTF8.GetBytes("2")));
            await fresh.NextAsync();
            await Transient.RetryAsync(() => client.SyncAsync(root));
            await Task.Delay(200);
            Assert.Single(data.Events);
            Assert.Single(child.Events);
            Assert.Single(exists.Events);
            Assert.Single(later.Events);
        }
        finally
        {
            await ensemble.RestoreAsync();
        }
    }

    [Fact]
    public async Task Watch_SetBeforeReconnectAndChangedAfter_FiresOnNewServer()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options);
        var path = $"/watch-after-{Guid.NewGuid():N}";
        await client.CreateAsync(path, default);
        var watch = new WatchRecorder();
        await client.GetDataAsync(path, watch.Record);
        var victim = ensemble.IndexOf(client.ConnectedServer);
        try
        {
            await ensemble.Ensemble.Servers[victim].KillAsync();
            await WaitUntilOffAsync(client, ensemble.ConnectStringOf(victim));
            await Transient.RetryAsync(() => client.ExistsAsync(path)); // waits for the reconnection
            Assert.Empty(watch.Events);

            await using var writer = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options);
            await Transient.RetryAsync(() => writer.SetDataAsync(path, Encoding.UTF8.GetBytes("x")));

            Assert.Equal(WatchEventType.NodeDataChanged, (await watch.NextAsync()).Type);
        }
        finally
        {
            await ensemble.RestoreAsync();
        }
    }

    [Fact]
    public async Task UpdateServerList_CurrentServerRemoved_MovesWithSameSession()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options);
        var sessionId = client.SessionId;
        var current = ensemble.IndexOf(client.ConnectedServer);
        var others = string.Join(',', Enumerable.Range(0, 3).Where(i => i != current).Select(ensemble.ConnectStringOf));
        var path = $"/move-{Guid.NewGuid():N}";
        await client.CreateAsync(path, default, CreateMode.Ephemeral);
        var inFlight = Enumerable.Range(0, 200).Select(_ => client.ExistsAsync(path)).ToList();

        client.UpdateServerList(others);

        Assert.All(await Task.WhenAll(inFlight), s => Assert.NotNull(s));
        Assert.NotNull(await client.ExistsAsync(path));
        Assert.Equal(sessionId, client.SessionId);
        Assert.NotEqual(ensemble.ConnectStringOf(current), client.ConnectedServer);
        Assert.Contains(client.ConnectedServer!, others.Split(','));
    }

    [Fact]
    public async Task GetConfig_Ensemble_ListsEveryServer()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString + "/chrooted", Options);

        var config = Encoding.UTF8.GetString((await client.GetConfigAsync()).Data);

        Assert.Contains("server.1=", config, StringComparison.Ordinal);
        Assert.Contains("server.2=", config, StringComparison.Ordinal);
        Assert.Contains("server.3=", config, StringComparison.Ordinal);
        Assert.Contains("version=", config, StringComparison.Ordinal);
    }

    /// <summary>
    /// A request sent between the kill and the moment the client sees the socket close fails with ConnectionLoss
    /// (as with the Java client); tests that want the "wait for reconnection" path wait for the switch first.
    /// </summary>
    private static Task WaitUntilOffAsync(ZooKeeperClient client, string server) =>
        Eventually.TrueAsync(() => client.ConnectedServer != server, TimeSpan.FromSeconds(30), $"client leaves {server}");
}
