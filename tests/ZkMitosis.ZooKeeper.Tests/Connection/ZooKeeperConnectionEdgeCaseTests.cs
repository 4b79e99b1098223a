using System.Buffers.Binary;
using System.Text;

namespace ZkMitosis.ZooKeeper.Tests.Connection;

/// <summary>
/// Misbehaving servers a real ZooKeeper will not imitate on demand. Each case must end in a typed error
/// within its timeout; every await here is bounded so a hang fails the test instead of stalling the run.
/// </summary>
public sealed class ZooKeeperConnectionEdgeCaseTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static readonly ZooKeeperClientOptions Options = new()
    {
        SessionTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(3),
        ReconnectDelay = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task Reply_TruncatedFrame_ConnectionLossWithProtocolError()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync();
            await c.ReadRequestAsync();
            var partial = new byte[4 + 20];
            BinaryPrimitives.WriteInt32BigEndian(partial, 100);
            await c.SendRawAsync(partial);
            c.Close();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.GetDataAsync("/a").WaitAsync(Bound));

        Assert.Equal(KeeperErrorCode.ConnectionLoss, error.Code);
        Assert.Equal("/a", error.Path);
        var protocol = Assert.IsType<ZooKeeperProtocolException>(error.InnerException);
        Assert.Contains("middle of a frame", protocol.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_OversizeLength_ConnectionLossWithProtocolError()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync();
            await c.ReadRequestAsync();
            var header = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(header, 0x7fffffff);
            await c.SendRawAsync(header);
            await c.StaySilentAsync();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.ExistsAsync("/a").WaitAsync(Bound));

        Assert.Equal(KeeperErrorCode.ConnectionLoss, error.Code);
        var protocol = Assert.IsType<ZooKeeperProtocolException>(error.InnerException);
        Assert.Contains("exceeds the frame limit", protocol.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_NegativeLength_ConnectionLossWithProtocolError()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync();
            await c.ReadRequestAsync();
            var header = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(header, -5);
            await c.SendRawAsync(header);
            await c.StaySilentAsync();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.ExistsAsync("/a").WaitAsync(Bound));

        Assert.IsType<ZooKeeperProtocolException>(error.InnerException);
    }

    [Fact]
    public async Task Reply_UnknownXid_ConnectionLossWithProtocolError()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync();
            var (xid, _) = await c.ReadRequestAsync();
            await c.SendReplyAsync(xid + 1000);
            await c.StaySilentAsync();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.DeleteAsync("/a").WaitAsync(Bound));

        Assert.Equal(KeeperErrorCode.ConnectionLoss, error.Code);
        var protocol = Assert.IsType<ZooKeeperProtocolException>(error.InnerException);
        Assert.Contains("xid", protocol.Message, StringComparison.Ordinal);
        Assert.Equal(server.ConnectString, protocol.Server);
    }

    [Fact]
    public async Task Reply_BodyShorterThanRecord_ConnectionLossWithProtocolError()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync();
            var (xid, _) = await c.ReadRequestAsync();
            await c.SendReplyAsync(xid, body: [0, 0, 0, 50, 1, 2, 3]); // buffer claims 50 bytes, has 3
            await c.StaySilentAsync();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.GetDataAsync("/a").WaitAsync(Bound));

        Assert.Equal(KeeperErrorCode.ConnectionLoss, error.Code);
        Assert.IsType<ZooKeeperProtocolException>(error.InnerException);
    }

    [Fact]
    public async Task Connect_ServerAcceptsAndNeverAnswers_ConnectionLossWithinBound()
    {
        await using var server = new FakeZooKeeperServer(c => c.StaySilentAsync());
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<KeeperException>(() => ZooKeeperClient.ConnectAsync(server.ConnectString, new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(2),
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
        }).WaitAsync(Bound));

        Assert.Equal(KeeperErrorCode.ConnectionLoss, error.Code);
        Assert.Contains("no session established", error.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));
        Assert.True(server.Accepted >= 2, "the client retries within the session timeout");
    }

    [Fact]
    public async Task Request_ServerNeverAnswers_OperationTimeoutWithinRequestTimeout()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync();
            await c.StaySilentAsync();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<KeeperException>(() => client.GetDataAsync("/a").WaitAsync(Bound));

        Assert.Equal(KeeperErrorCode.OperationTimeout, error.Code);
        Assert.True(error.IsTransient);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Connection_ServerSilentAfterHandshake_DisconnectedWithinReadTimeout()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync(timeoutMs: 1500);
            await c.StaySilentAsync();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);
        var states = new List<ZooKeeperState>();
        client.StateChanged += s => { lock (states) { states.Add(s.Current); } };

        // No reply to pings: the read timeout (2/3 of 1.5 s) ends the connection.
        await Eventually.TrueAsync(() => { lock (states) { return states.Contains(ZooKeeperState.Disconnected); } }, Bound, "Disconnected after the read timeout");
        Assert.True(server.Accepted >= 2 || client.State != ZooKeeperState.Connected);
    }

    [Fact]
    public async Task Connect_GarbageConnectResponse_ConnectionLossWithProtocolError()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.ReadFrameAsync();
            await c.SendRawAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n\r\n"));
            await c.StaySilentAsync();
        });

        var error = await Assert.ThrowsAsync<KeeperException>(() => ZooKeeperClient.ConnectAsync(server.ConnectString, new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(1),
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
        }).WaitAsync(Bound));

        Assert.Equal(KeeperErrorCode.ConnectionLoss, error.Code);
        var protocol = Assert.IsType<ZooKeeperProtocolException>(error.InnerException);
        Assert.Contains("connect response", protocol.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WellFramedNonsenseResponse_ConnectionLossWithProtocolError()
    {
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.ReadFrameAsync();
            await c.SendFrameAsync([0, 0, 0, 0, 0, 0, 0x27, 0x10, 1, 2]); // timeout 10 s, then the record stops
            await c.StaySilentAsync();
        });

        var error = await Assert.ThrowsAsync<KeeperException>(() => ZooKeeperClient.ConnectAsync(server.ConnectString, new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(1),
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
        }).WaitAsync(Bound));

        Assert.IsType<ZooKeeperProtocolException>(error.InnerException);
    }

    [Fact]
    public async Task Cancel_CallerToken_CanceledAndLateReplyDropped()
    {
        var firstRequestSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var canceled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync();
            var (first, _) = await c.ReadRequestAsync();
            firstRequestSeen.TrySetResult();
            var (second, _) = await c.ReadRequestAsync();
            await canceled.Task.WaitAsync(Bound);
            await c.SendReplyAsync(first, error: (int)KeeperErrorCode.NoNode);
            await c.SendReplyAsync(second, error: (int)KeeperErrorCode.NoNode);
            await c.StaySilentAsync();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);
        using var cancel = new CancellationTokenSource();

        var first = client.ExistsAsync("/first", cancellationToken: cancel.Token);
        await firstRequestSeen.Task.WaitAsync(Bound);
        var second = client.ExistsAsync("/second");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Bound));
        canceled.SetResult();

        Assert.Null(await second.WaitAsync(Bound));
        Assert.Equal(ZooKeeperState.Connected, client.State);
    }
}
