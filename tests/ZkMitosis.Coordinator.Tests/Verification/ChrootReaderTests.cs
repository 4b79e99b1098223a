using System.Globalization;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Coordinator.Tests.Verification;

/// <summary>The chroot snapshot (<see cref="ChrootReader"/>) of big trees against a real standalone ZooKeeper.</summary>
public sealed class ChrootReaderTests : IAsyncLifetime
{
    private ZooKeeperEnsemble _ensemble = null!;
    private ZooKeeperClient _client = null!;
    private ServerSpec _server = null!;

    public async Task InitializeAsync()
    {
        _ensemble = await ZooKeeperEnsemble.StartStandaloneAsync(new Dictionary<string, string> { ["4lw.commands.whitelist"] = "srvr" });
        var config = _ensemble.Servers[0].Config;
        _server = new ServerSpec(1, config.ClientAddress, config.ClientPort, 1, 2, "127.0.0.1:1");
        _client = await ZooKeeperClient.ConnectAsync(_ensemble.ConnectString, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(30), RequestTimeout = TimeSpan.FromSeconds(60) });
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _ensemble.DisposeAsync();
    }

    [Fact]
    public async Task SnapshotAsync_BigTree_EveryZnodeInAFewHundredRequests()
    {
        var created = await KafkaShapedTree.CreateAsync(_client, "/big", 20_000);
        var before = await ReceivedAsync();

        var snapshot = await new ZooKeeperClusterInspector().SnapshotAsync([_server], "/big", default);

        var requests = await ReceivedAsync() - before;
        Assert.Equal(created, snapshot.Nodes.Count);
        Assert.Equal(created, snapshot.PersistentCount);
        Assert.Contains("/big/brokers/topics/topic-000000/partitions/9/state", snapshot.Nodes.Keys);
        // 250 znodes a multiRead: about 80 requests, plus the session's own. One request pair a znode was 20,000+.
        Assert.True(requests < 400, $"{requests} requests for {created} znodes");
    }

    [Fact]
    public async Task SnapshotAsync_BigTree_InjectedDifferencesFoundExactly()
    {
        await KafkaShapedTree.CreateAsync(_client, "/exact", 20_000);
        await _client.CreateAsync("/exact/brokers/ids/1", "{}"u8.ToArray(), CreateMode.Ephemeral);
        var inspector = new ZooKeeperClusterInspector();
        var destination = await inspector.SnapshotAsync([_server], "/exact", default);

        // A write the destination missed deep in the tree, a znode it never got, and one it has that the source deleted.
        const string Changed = "/exact/brokers/topics/topic-000500/partitions/7/state";
        const string Added = "/exact/config/topics/topic-000777/extra";
        await _client.SetDataAsync(Changed, "{\"leader\":2}"u8.ToArray());
        await _client.CreateAsync(Added, "x"u8.ToArray());
        await _client.DeleteAsync("/exact/brokers/topics/topic-000300/partitions/2/state");
        var atCut = await inspector.SnapshotAsync([_server], "/exact", default);

        Assert.Empty(ChrootComparison.MissingOnDestination(destination, destination, long.MaxValue));
        Assert.Equal(new[] { Changed, Added }, ChrootComparison.MissingOnDestination(atCut, destination, long.MaxValue));
        Assert.NotEqual(atCut.Digest, destination.Digest);
        Assert.True(destination.Nodes["/exact/brokers/ids/1"].Ephemeral);
        Assert.Equal(destination.Nodes.Count - 1, destination.PersistentCount);
        // Above the destination's last zxid the changes never reached it: not missing.
        var bound = destination.Nodes.Values.Max(n => n.Mzxid);
        Assert.Empty(ChrootComparison.MissingOnDestination(atCut, destination, bound));
    }

    [Fact]
    public async Task SnapshotAsync_LargeZnodes_ReplyAboveTheSessionLimitReadAgainInHalves()
    {
        // 200 siblings of 100 KB: one chunk's reply (20 MB) is above the reading session's 16 MiB reply limit.
        var data = new byte[100_000];
        await _client.CreateAsync("/large", ReadOnlyMemory<byte>.Empty);
        for (var batch = 0; batch < 20; batch++)
        {
            var ops = Enumerable.Range(batch * 10, 10).Select(i => Op.Create("/large/n" + i.ToString("D3", CultureInfo.InvariantCulture), data)).ToList();
            (await _client.MultiAsync(ops)).EnsureCommitted();
        }

        var snapshot = await new ZooKeeperClusterInspector().SnapshotAsync([_server], "/large", default);

        Assert.Equal(201, snapshot.Nodes.Count);
        Assert.All(snapshot.Nodes.Where(n => n.Key != "/large"), n => Assert.Equal(100_000, n.Value.DataLength));
    }

    /// <summary>The server's count of requests received (srvr's "Received").</summary>
    private async Task<long> ReceivedAsync()
    {
        var reply = await FourLetterWordClient.SendAsync(_server.Host, _server.ClientPort, "srvr");
        var line = reply.Split('\n').Single(l => l.StartsWith("Received:", StringComparison.Ordinal));
        return long.Parse(line["Received:".Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
