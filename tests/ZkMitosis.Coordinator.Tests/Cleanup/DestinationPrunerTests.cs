using ZkMitosis.Coordinator.Cleanup;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Cleanup;

/// <summary>
/// The destination prune against a real ZooKeeper of this class's own (it works on the whole tree from /): exactly
/// the moved chroots, their ancestors and /zookeeper stay; a dry run counts and changes nothing; a rerun finds nothing;
/// a live ephemeral outside the moved chroots stops it before any delete.
/// </summary>
public sealed class DestinationPrunerTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private static readonly CleanupScope Scope = new(["/kafka", "/apps/solr"]);
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await CleanupTree.ClearAsync(_client);
        await CleanupTree.CreateAsync(_client, "/kafka/brokers/ids", 3);
        await CleanupTree.CreateAsync(_client, "/kafka/config/topics", 20);
        await CleanupTree.CreateAsync(_client, "/apps/solr/live_nodes", 2);
        await CleanupTree.CreateAsync(_client, "/apps/other/data", 10); // /apps/other, /apps/other/data + 10
        await CleanupTree.CreateAsync(_client, "/clickhouse/tables", 30); // 2 + 30
        await CleanupTree.CreateAsync(_client, "/kafkaesque", 4); // a prefix of /kafka, not inside it: 1 + 4
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task PruneAsync_DryRunThenRun_KeepsExactlyTheMovedChrootsTheirAncestorsAndZookeeper()
    {
        var before = await CleanupTree.PathsAsync(_client);
        var kept = before.Where(p => p == "/" || p == "/apps" || p.StartsWith("/kafka/", StringComparison.Ordinal) || p == "/kafka" || p.StartsWith("/apps/solr", StringComparison.Ordinal)).ToList();

        var dry = await DestinationPruner.PruneAsync(_client, server.ConnectString, Scope, dryRun: true, CancellationToken.None);

        Assert.Equal(["/apps/other", "/clickhouse", "/kafkaesque"], dry.ExtraRoots.Order(StringComparer.Ordinal));
        Assert.Equal(12 + 32 + 5, dry.Extra);
        Assert.Equal(0, dry.Deleted);
        Assert.Equal(before, await CleanupTree.PathsAsync(_client));

        var run = await DestinationPruner.PruneAsync(_client, server.ConnectString, Scope, dryRun: false, CancellationToken.None);

        Assert.Equal(49, run.Deleted);
        Assert.Equal(kept, await CleanupTree.PathsAsync(_client));
        Assert.NotNull(await _client.ExistsAsync("/zookeeper/quota"));

        var again = await DestinationPruner.PruneAsync(_client, server.ConnectString, Scope, dryRun: false, CancellationToken.None);
        Assert.Empty(again.ExtraRoots);
        Assert.Equal(0, again.Deleted);
    }

    [Fact]
    public async Task PruneAsync_LiveEphemeralOutsideTheMovedChroots_RefusedNamingItAndNothingDeleted()
    {
        await using var otherTenant = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await otherTenant.CreateAsync("/clickhouse/tables/replica-1", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);
        await otherTenant.CreateAsync("/kafka/brokers/ids/9", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral); // inside a moved chroot: no obstacle
        var before = await CleanupTree.PathsAsync(_client);

        var refused = await Assert.ThrowsAsync<CleanupRefusedException>(() => DestinationPruner.PruneAsync(_client, server.ConnectString, Scope, dryRun: false, CancellationToken.None));

        Assert.Contains("/clickhouse/tables/replica-1", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/kafka/brokers/ids/9", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CleanupTree.PathsAsync(_client));
    }

    [Theory]
    [InlineData("kafka")]
    [InlineData("/")]
    [InlineData("/zookeeper/x")]
    [InlineData("/a//b")]
    public void CleanupScope_NotAChrootToKeep_Refused(string chroot) =>
        Assert.Throws<ArgumentException>(() => new CleanupScope([chroot]));
}
