using System.Text.Json;
using ZkMitosis.Coordinator.Cleanup;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Cleanup;

/// <summary>
/// The stale marker on the source, against a real ZooKeeper: created once (a rerun keeps it and its grace period),
/// the chroot kept until the grace period is over, then removed, unless a live session still owns an ephemeral in it.
/// "Now" is passed in, so the grace period is crossed without waiting.
/// </summary>
public sealed class SourceMarkerTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private const string Chroot = "/kafka";
    private static readonly TimeSpan Grace = TimeSpan.FromDays(7);
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await CleanupTree.ClearAsync(_client);
        await CleanupTree.CreateAsync(_client, "/kafka/brokers/topics", 10);
        await CleanupTree.CreateAsync(_client, "/other", 3);
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    private Task<MarkResult> MarkAsync(TimeSpan? removeAfter, DateTimeOffset now, bool dryRun = false) =>
        SourceMarker.MarkAsync(_client, server.ConnectString, Chroot, "plan-x", "10.0.0.1:2181/kafka", removeAfter, now, dryRun, CancellationToken.None);

    [Fact]
    public async Task MarkAsync_MarkedOnceKeptThroughTheGracePeriodThenRemoved()
    {
        var before = await CleanupTree.PathsAsync(_client);
        var dry = await MarkAsync(Grace, DateTimeOffset.UtcNow, dryRun: true);
        Assert.Equal(before, await CleanupTree.PathsAsync(_client));
        Assert.Contains("kept", dry.Detail, StringComparison.Ordinal);

        var first = await MarkAsync(null, DateTimeOffset.UtcNow);
        var marker = await _client.GetDataAsync(Chroot + "/" + SourceMarker.MarkerName);
        using (var json = JsonDocument.Parse(marker.Data))
        {
            Assert.Equal("plan-x", json.RootElement.GetProperty("plan").GetString());
            Assert.Equal("10.0.0.1:2181/kafka", json.RootElement.GetProperty("destination").GetString());
        }

        var second = await MarkAsync(Grace, DateTimeOffset.UtcNow + TimeSpan.FromDays(3));
        Assert.Equal("marked", first.Outcome);
        Assert.Equal("kept", second.Outcome);
        Assert.Equal(first.MarkedAt, second.MarkedAt);
        Assert.Equal(marker.Stat.Ctime, (await _client.ExistsAsync(Chroot + "/" + SourceMarker.MarkerName))!.Ctime);
        Assert.Equal(14, second.Znodes); // /kafka, /kafka/brokers, its topics with 10 children, the marker
        Assert.Equal(before.Count + 1, (await CleanupTree.PathsAsync(_client)).Count);

        var due = first.MarkedAt!.Value + Grace + TimeSpan.FromSeconds(1);
        var dryRemove = await MarkAsync(Grace, due, dryRun: true);
        Assert.Equal(before.Count + 1, (await CleanupTree.PathsAsync(_client)).Count);
        Assert.Contains("would delete 14", dryRemove.Detail, StringComparison.Ordinal);

        var removed = await MarkAsync(Grace, due);
        Assert.Equal("removed", removed.Outcome);
        Assert.Equal(14, removed.Removed);
        Assert.Equal(["/", "/other", "/other/n000", "/other/n001", "/other/n002"], await CleanupTree.PathsAsync(_client));

        var again = await MarkAsync(Grace, due);
        Assert.Equal("absent", again.Outcome);
    }

    [Fact]
    public async Task MarkAsync_RemovalDueWhileALiveSessionOwnsAnEphemeralInTheChroot_RefusedAndNothingDeleted()
    {
        var first = await MarkAsync(null, DateTimeOffset.UtcNow);
        await using var broker = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await CleanupTree.CreateAsync(_client, "/kafka/brokers/ids");
        await broker.CreateAsync("/kafka/brokers/ids/1", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);
        var before = await CleanupTree.PathsAsync(_client);

        var refused = await Assert.ThrowsAsync<CleanupRefusedException>(() => MarkAsync(Grace, first.MarkedAt!.Value + Grace + TimeSpan.FromSeconds(1)));

        Assert.Contains("/kafka/brokers/ids/1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CleanupTree.PathsAsync(_client));
    }
}
