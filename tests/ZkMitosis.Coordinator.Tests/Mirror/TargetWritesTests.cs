using System.Text;
using ZkMitosis.Coordinator.Mirror;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Mirror;

/// <summary>The mirror's pipelined target writes against a real ZooKeeper 3.8 server.</summary>
public sealed class TargetWritesTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task Pipelined_NoReplyAwaitedUntilTheDrain_SessionOrderKept_RacesReturnedNotThrown()
    {
        var root = $"/writes-{Guid.NewGuid():N}"[..16];
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        var writes = new TargetWrites(client, maxInFlight: 500);
        var acknowledged = 0;
        void Ack() => acknowledged++;

        // Parent before children, each child's data set twice, every child deleted, then the parent deleted and
        // created anew: sent without waiting, they only succeed in the order sent.
        await writes.SendAsync(Op.Create(root, "p"u8.ToArray()), "", Ack, default);
        for (var i = 0; i < 100; i++)
        {
            var child = $"{root}/c{i}";
            await writes.SendAsync(Op.Create(child, Encoding.UTF8.GetBytes($"v{i}")), $"/c{i}", Ack, default);
            await writes.SendAsync(Op.SetData(child, Encoding.UTF8.GetBytes($"w{i}")), $"/c{i}", Ack, default);
        }

        for (var i = 0; i < 100; i++)
        {
            await writes.SendDeleteAsync($"{root}/c{i}", $"/c{i}", Ack, default);
        }

        await writes.SendDeleteAsync(root, "", Ack, default);
        await writes.SendAsync(Op.Create(root, "again"u8.ToArray()), "", Ack, default);
        await writes.SendAsync(Op.Create($"{root}/kept", "k"u8.ToArray()), "/kept", Ack, default);

        // A race: a create under a parent that does not exist, between writes that succeed.
        await writes.SendAsync(Op.Create($"{root}/missing/child", default), "/missing/child", Ack, default);
        await writes.SendAsync(Op.SetData($"{root}/kept", "k2"u8.ToArray()), "/kept", Ack, default);
        await writes.SendDeleteAsync($"{root}/never-there", "/never-there", Ack, default);
        const int Sent = 1 + 300 + 1 + 1 + 1 + 1 + 1 + 1;

        // Pipelined: every write is on the wire, none of their replies was waited for.
        Assert.Equal(0, acknowledged);

        var refused = await writes.DrainAsync();

        Assert.Equal(new[] { "/missing/child" }, refused);
        Assert.Equal(Sent - 2, acknowledged); // the refused create, and the delete of a znode that never was
        var parent = await client.GetDataAsync(root);
        Assert.Equal("again"u8.ToArray(), parent.Data);
        Assert.Equal(new[] { "kept" }, (await client.GetChildrenAsync(root)).Children);
        var kept = await client.GetDataAsync($"{root}/kept");
        Assert.Equal("k2"u8.ToArray(), kept.Data);
        Assert.Equal(1, kept.Stat.Version);
    }

    [Fact]
    public async Task Immediate_EachWriteAwaited_ItsErrorThrown()
    {
        var root = $"/writes-{Guid.NewGuid():N}"[..16];
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        var writes = new TargetWrites(client, maxInFlight: 500) { Immediate = true };
        var acknowledged = 0;

        await writes.SendAsync(Op.Create(root, default), "", () => acknowledged++, default);
        Assert.Equal(1, acknowledged);

        var refused = await Assert.ThrowsAsync<KeeperException>(async () => await writes.SendAsync(Op.Create($"{root}/a/b", default), "/a/b", () => acknowledged++, default));
        Assert.Equal(KeeperErrorCode.NoNode, refused.Code);
        Assert.Equal(1, acknowledged);
        Assert.Empty(await writes.DrainAsync());
    }
}
