using System.Buffers.Binary;
using System.Text;

namespace ZkMitosis.ZooKeeper.Tests.Connection;

/// <summary>What the client sends on a new connection and how it falls back, checked byte by byte on a fake server.</summary>
public sealed class ZooKeeperConnectionReconnectTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static readonly ZooKeeperClientOptions Options = new()
    {
        SessionTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(5),
        ReconnectDelay = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task Reconnect_AfterLoss_SetWatchesAndAuthSentFirstWithLastZxid()
    {
        var connections = 0;
        var secondConnection = new TaskCompletionSource<(byte[] SetWatches, byte[] Auth)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeZooKeeperServer(async c =>
        {
            if (Interlocked.Increment(ref connections) == 1)
            {
                await c.HandshakeAsync();
                var (xid, op) = await c.ReadRequestAsync();
                Assert.Equal(4, op);
                await c.SendReplyAsync(xid, body: FakeJute.GetDataReply([1]), zxid: 0x42);
                var (authXid, _) = await c.ReadRequestAsync();
                await c.SendReplyAsync(authXid, zxid: 0);
                c.Close();
                return;
            }

            await c.HandshakeAsync();
            var first = await c.ReadFrameAsync() ?? throw new IOException("no setWatches");
            var second = await c.ReadFrameAsync() ?? throw new IOException("no auth");
            secondConnection.TrySetResult((first, second));
            await c.SendReplyAsync(-8);
            await c.SendReplyAsync(-4);
            await c.SendReplyAsync(-1, body: FakeJute.WatcherEvent(3, "/w"));
            await c.StaySilentAsync();
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);
        var watch = new WatchRecorder();
        await client.GetDataAsync("/w", watch.Record).WaitAsync(Bound);
        await client.AddAuthAsync("digest", Encoding.UTF8.GetBytes("u:p")).WaitAsync(Bound);

        var (setWatches, auth) = await secondConnection.Task.WaitAsync(Bound);

        Assert.Equal(-8, BinaryPrimitives.ReadInt32BigEndian(setWatches));
        Assert.Equal(101, BinaryPrimitives.ReadInt32BigEndian(setWatches.AsSpan(4)));
        Assert.Equal(0x42, BinaryPrimitives.ReadInt64BigEndian(setWatches.AsSpan(8)));
        var offset = 16;
        Assert.Equal(["/w"], FakeJute.ReadStrings(setWatches, ref offset));
        Assert.Empty(FakeJute.ReadStrings(setWatches, ref offset));
        Assert.Empty(FakeJute.ReadStrings(setWatches, ref offset));
        Assert.Equal(-4, BinaryPrimitives.ReadInt32BigEndian(auth));
        Assert.Equal(100, BinaryPrimitives.ReadInt32BigEndian(auth.AsSpan(4)));
        offset = 12;
        Assert.Equal("digest", FakeJute.ReadString(auth, ref offset));
        Assert.Equal("u:p", FakeJute.ReadString(auth, ref offset));
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/w"), await watch.NextAsync(timeout: Bound));
        Assert.Equal(0x1234, client.SessionId);
    }

    [Fact]
    public async Task MultiRead_ServerAnswersUnimplemented_FallsBackToSingleReads()
    {
        var ops = new List<int>();
        await using var server = new FakeZooKeeperServer(async c =>
        {
            await c.HandshakeAsync();
            while (true)
            {
                var (xid, op) = await c.ReadRequestAsync();
                lock (ops)
                {
                    ops.Add(op);
                }

                if (op == 22)
                {
                    await c.SendReplyAsync(xid, error: (int)KeeperErrorCode.Unimplemented);
                }
                else if (op == 4)
                {
                    await c.SendReplyAsync(xid, body: FakeJute.GetDataReply([7]));
                }
                else
                {
                    await c.SendReplyAsync(xid, error: (int)KeeperErrorCode.NoNode);
                }
            }
        });
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString, Options);

        var results = await client.MultiReadAsync([ReadOp.GetData("/a"), ReadOp.GetChildren("/b"), ReadOp.GetData("/c")]).WaitAsync(Bound);
        var again = await client.MultiReadAsync([ReadOp.GetData("/d")]).WaitAsync(Bound);

        Assert.Equal([KeeperErrorCode.Ok, KeeperErrorCode.NoNode, KeeperErrorCode.Ok], results.Select(r => r.Error));
        Assert.Equal([7], results[0].Data);
        Assert.Equal("/b", results[1].Path);
        Assert.Equal([7], again[0].Data);
        lock (ops)
        {
            // One multiRead attempt, then single reads only (the fallback is remembered).
            Assert.Equal([22, 4, 8, 4, 4], ops);
        }
    }
}
