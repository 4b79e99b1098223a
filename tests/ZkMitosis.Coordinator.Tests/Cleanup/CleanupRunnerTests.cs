using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Cleanup;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Cleanup;

/// <summary>
/// The cleanup commands' runner on a state directory as a migration leaves it (the plan's copy and its journal): refused
/// until the journal says the migration completed, then pruning the destination and marking the source for real, each
/// journaled in cleanup.jsonl. The plan's destination (then source) is this class's real ZooKeeper beside two closed
/// ports on other loopback addresses, which the client skips.
/// </summary>
public sealed class CleanupRunnerTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private readonly TestDirectory _state = new("zkct-cleanup");
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await CleanupTree.ClearAsync(_client);
        await CleanupTree.CreateAsync(_client, "/kafka/brokers/ids", 2);
        await CleanupTree.CreateAsync(_client, "/other", 5);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        _state.Dispose();
    }

    [Fact]
    public async Task PruneDestination_RefusedUntilCompletedThenPrunesAndJournals()
    {
        var planId = await WriteStateAsync(side: "destination", completed: false);
        var before = await CleanupTree.PathsAsync(_client);

        var refused = await Assert.ThrowsAsync<CleanupRefusedException>(() => CleanupRunner.PruneDestinationAsync(planId, _state.Path, dryRun: false, CancellationToken.None));
        Assert.Contains("has not completed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CleanupTree.PathsAsync(_client));

        await AppendCompletedAsync(planId);
        var dry = await CleanupRunner.PruneDestinationAsync(planId, _state.Path, dryRun: true, CancellationToken.None);
        Assert.Equal(6, dry.Extra);
        Assert.Equal(before, await CleanupTree.PathsAsync(_client));
        Assert.False(File.Exists(CleanupJournal(planId)));

        var run = await CleanupRunner.PruneDestinationAsync(planId, _state.Path, dryRun: false, CancellationToken.None);

        Assert.Equal(6, run.Deleted);
        Assert.Equal(["/", "/kafka", "/kafka/brokers", "/kafka/brokers/ids", "/kafka/brokers/ids/n000", "/kafka/brokers/ids/n001"], await CleanupTree.PathsAsync(_client));
        var journal = FileJournal.ReadExisting(CleanupJournal(planId));
        Assert.Equal(["cleanup-started", "cleanup-done"], journal.Select(r => r.Type));
        Assert.Equal(6, journal[1].Value!["deleted"]!.GetValue<long>());
    }

    [Fact]
    public async Task MarkSource_Completed_MarksTheMovedChrootOnTheSourceAndJournals()
    {
        var planId = await WriteStateAsync(side: "source", completed: true);

        var marks = await CleanupRunner.MarkSourceAsync(planId, _state.Path, null, dryRun: false, TimeProvider.System, CancellationToken.None);

        Assert.Equal("marked", Assert.Single(marks).Outcome);
        Assert.NotNull(await _client.ExistsAsync("/kafka/" + SourceMarker.MarkerName));
        Assert.Equal(["cleanup-started", "cleanup-done"], FileJournal.ReadExisting(CleanupJournal(planId)).Select(r => r.Type));
    }

    private string CleanupJournal(string planId) => Path.Combine(new MigrationStore(_state.Path).PlanDirectory(planId), CleanupRunner.JournalFileName);

    /// <summary>A state directory with the plan's copy and a journal that started (and, if asked, completed) the run.</summary>
    private async Task<string> WriteStateAsync(string side, bool completed)
    {
        var port = server.ConnectString[(server.ConnectString.LastIndexOf(':') + 1)..];
        var ids = side == "destination" ? new[] { 4, 5, 6 } : [1, 2, 3];
        var text = SamplePlans.Valid;
        for (var i = 0; i < 3; i++)
        {
            var line = $"- {{ id: {ids[i]}, host: 10.250.7.1{ids[i]}, clientPort: 2181,";
            var clientPort = i == 0 ? port : FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
            text = text.Replace(line, $"- {{ id: {ids[i]}, host: 127.0.0.{i + 1}, clientPort: {clientPort},", StringComparison.Ordinal);
        }

        var plan = PlanLoader.Load(text);
        var store = new MigrationStore(_state.Path);
        store.SavePlan(plan.PlanId, text);
        using var journal = FileJournal.Open(store.JournalPath(plan.PlanId));
        await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.RunStarted, Value = new JsonObject { ["planId"] = plan.PlanId, ["planSha256"] = plan.Sha256, ["runId"] = plan.PlanId + ".test" } }, CancellationToken.None);
        if (completed)
        {
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.Completed }, CancellationToken.None);
        }

        return plan.PlanId;
    }

    private async Task AppendCompletedAsync(string planId)
    {
        using var journal = FileJournal.Open(new MigrationStore(_state.Path).JournalPath(planId));
        await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.Completed }, CancellationToken.None);
    }
}
