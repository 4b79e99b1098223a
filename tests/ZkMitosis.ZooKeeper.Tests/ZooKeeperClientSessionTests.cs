using System.Text;

namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>Session life cycle on a real standalone server: expiry, resumption, auth failure.</summary>
public sealed class ZooKeeperClientSessionTests(StandaloneServerFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<StandaloneServerFixture>
{
    [Fact]
    public async Task SessionClosedElsewhere_ClientReconnects_ExpiredAndCallsFail()
    {
        await using var observer = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(observer, "expiry");
        await using var client = await server.ConnectAsync(options: new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(10),
            RequestTimeout = TimeSpan.FromSeconds(30),
            // The twin's connect takes the session over and drops this client's connection; the pause keeps this
            // client from taking it back before the twin has closed it.
            ReconnectDelay = TimeSpan.FromSeconds(3),
            Logger = new TestLogger(output, "client"),
        });
        var states = new List<ZooKeeperState>();
        client.StateChanged += change => { lock (states) { states.Add(change.Current); } };
        var watch = new WatchRecorder();
        await client.CreateAsync(root + "/eph", default, CreateMode.Ephemeral);
        await client.GetDataAsync(root, watch.Record);

        // A second client resumes the same session and closes it: deterministic expiry, no waiting for timeouts.
        var twin = await ZooKeeperClient.ConnectAsync(server.ConnectString, new ZooKeeperClientOptions
        {
            SessionId = client.SessionId,
            SessionPassword = client.SessionPassword,
            SessionTimeout = TimeSpan.FromSeconds(10),
            Logger = new TestLogger(output, "twin"),
        });
        Assert.Equal(client.SessionId, twin.SessionId);
        await twin.CloseAsync();

        await Eventually.TrueAsync(() => client.State == ZooKeeperState.Expired, TimeSpan.FromSeconds(30), "client sees its session expired");
        var error = await Assert.ThrowsAsync<KeeperException>(() => client.GetDataAsync(root));
        Assert.Equal(KeeperErrorCode.SessionExpired, error.Code);
        Assert.False(error.IsTransient);
        Assert.Equal(new WatchedEvent(WatchEventType.None, ZooKeeperState.Expired, null), await watch.NextAsync());
        Assert.Null(await observer.ExistsAsync(root + "/eph"));
        await Eventually.TrueAsync(() => { lock (states) { return states.Contains(ZooKeeperState.Expired); } }, TimeSpan.FromSeconds(10), "Expired state event");
        Assert.Null(client.ConnectedServer);
    }

    [Fact]
    public async Task Connect_ResumeWithWrongPassword_FailsSessionExpired()
    {
        await using var client = await server.ConnectAsync();

        var error = await Assert.ThrowsAsync<KeeperException>(() => ZooKeeperClient.ConnectAsync(server.ConnectString, new ZooKeeperClientOptions
        {
            SessionId = client.SessionId,
            SessionPassword = new byte[16],
        }));

        Assert.Equal(KeeperErrorCode.SessionExpired, error.Code);
        // The server may drop the rightful owner's connection on the impostor's attempt; the owner resumes.
        Assert.NotNull(await client.ExistsAsync("/"));
        Assert.Equal(ZooKeeperState.Connected, client.State);
    }

    [Fact]
    public async Task AddAuth_UnknownScheme_AuthFailedAndClientUnusable()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "authfail");

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.AddAuthAsync("no-such-scheme", Encoding.UTF8.GetBytes("x")));

        Assert.Equal(KeeperErrorCode.AuthFailed, error.Code);
        await Eventually.TrueAsync(() => client.State == ZooKeeperState.AuthFailed, TimeSpan.FromSeconds(10), "AuthFailed state");
        var after = await Assert.ThrowsAsync<KeeperException>(() => client.ExistsAsync(root));
        Assert.Equal(KeeperErrorCode.AuthFailed, after.Code);
    }

    [Fact]
    public async Task Connect_NoServerListening_ConnectionLossWithinBound()
    {
        var port = ZkMitosis.Testing.FreePorts.Next();
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<KeeperException>(() => ZooKeeperClient.ConnectAsync($"127.0.0.1:{port}", new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(2),
            ConnectTimeout = TimeSpan.FromSeconds(1),
        }));

        Assert.Equal(KeeperErrorCode.ConnectionLoss, error.Code);
        Assert.True(error.IsTransient);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task StateChanged_ConnectThenClose_EventsInOrder()
    {
        var client = await server.ConnectAsync();
        var states = new List<ZooKeeperStateChange>();
        client.StateChanged += change => { lock (states) { states.Add(change); } };

        await client.CloseAsync();

        // Events are delivered on the client's event thread, so the Connecting -> Connected change raised during
        // ConnectAsync may still reach a handler added after it returned; the close must come last, from Connected.
        await Eventually.TrueAsync(() => { lock (states) { return states.Any(s => s.Current == ZooKeeperState.Closed); } }, TimeSpan.FromSeconds(10), "the Closed state event");
        lock (states)
        {
            Assert.Equal(ZooKeeperState.Connected, states[^1].Previous);
            Assert.Equal(ZooKeeperState.Closed, states[^1].Current);
            Assert.All(states.SkipLast(1), s => Assert.Equal(ZooKeeperState.Connected, s.Current));
        }
    }
}
