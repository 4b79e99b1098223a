using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Verification;

/// <summary>
/// The run's chroot snapshot (baseline, the cut, verify) against a real ZooKeeper started with
/// <c>-Djute.maxbuffer=4194304</c> that holds a 1.5 MiB znode: above the 1 MiB the coordinator's client takes in one
/// reply, within what the source accepts.
/// </summary>
public sealed class LargeZnodeSnapshotTests : IAsyncLifetime
{
    private const int SourceJuteMaxBuffer = 4 * 1024 * 1024;
    private const int LargeZnodeBytes = 3 * 512 * 1024;
    private ZooKeeperEnsemble _ensemble = null!;
    private ServerSpec _server = null!;

    public async Task InitializeAsync()
    {
        _ensemble = await ZooKeeperEnsemble.StartStandaloneAsync(
            new Dictionary<string, string>(), new Dictionary<string, string> { ["jute.maxbuffer"] = SourceJuteMaxBuffer.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var config = _ensemble.Servers[0].Config;
        _server = new ServerSpec(1, config.ClientAddress, config.ClientPort, 1, 2, "127.0.0.1:1");
        await using var admin = await ZooKeeperClient.ConnectAsync(_ensemble.ConnectString, new ZooKeeperClientOptions { MaxFrameBytes = SourceJuteMaxBuffer, RequestTimeout = TimeSpan.FromSeconds(30) });
        await admin.CreateAsync("/kafka", ReadOnlyMemory<byte>.Empty);
        await admin.CreateAsync("/kafka/large", new byte[LargeZnodeBytes]);
        await admin.CreateAsync("/kafka/wide", ReadOnlyMemory<byte>.Empty);
        foreach (var i in Enumerable.Range(0, 100))
        {
            await admin.CreateAsync($"/kafka/wide/{new string('n', 60)}-{i:D3}", ReadOnlyMemory<byte>.Empty);
        }
    }

    public async Task DisposeAsync() => await _ensemble.DisposeAsync();

    [Fact]
    public async Task SnapshotAsync_ZnodeAboveTheClientsFrameLimit_MeasuredNotAFrameError()
    {
        var snapshot = await new ZooKeeperClusterInspector().SnapshotAsync([_server], "/kafka", default);

        Assert.Equal(LargeZnodeBytes, snapshot.Nodes["/kafka/large"].DataLength);
        Assert.Equal(103, snapshot.Nodes.Count);
    }

    [Fact]
    public async Task ReadAsync_ListingAboveTheSessionsReplyLimit_OneLineNamingTheNode()
    {
        // 100 names of 64 bytes: a 6,820-byte getChildren reply against a session that reads 4,096 bytes. The migration's
        // own session reads 16 MiB replies (ChrootReader.ReplyFrameBytes); the same refusal awaits a listing above that.
        await using var client = await ZooKeeperClient.ConnectAsync(_ensemble.ConnectString, new ZooKeeperClientOptions { MaxFrameBytes = 4096, ConnectTimeout = TimeSpan.FromSeconds(3) });

        var error = await Assert.ThrowsAsync<ChrootReadException>(() => ChrootReader.ReadAsync(client, "/kafka/wide", 4096, default));

        Assert.Equal("/kafka/wide", error.Path);
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("reading the data and children of /kafka/wide takes a larger reply than the migration's ZooKeeper client reads", error.Message, StringComparison.Ordinal);
    }
}
