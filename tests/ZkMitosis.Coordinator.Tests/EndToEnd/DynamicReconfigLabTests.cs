using System.Diagnostics;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// A lab whose ZooKeeper servers run with <c>reconfigEnabled=true</c> (as in issue 17, where the observer join then
/// waited 210 s for an observer that never came): preflight refuses it at once, naming why, and changes nothing.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class DynamicReconfigLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_SourceWithReconfigEnabled_PreflightRefusesBeforeTheJoin()
    {
        await using var lab = await MigrationLab.UpAsync(new Dictionary<string, string> { ["reconfigEnabled"] = "true" });
        var text = lab.Plan();
        var plan = PlanLoader.Load(text);
        var options = new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(true) };
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<MigrationFailedException>(() => MigrationRunner.RunAsync(text, options, CancellationToken.None));

        clock.Stop();
        output.WriteLine($"refused after {clock.Elapsed.TotalSeconds:0.0} s: {failure.InnerException?.Message}");
        var preflight = Assert.IsType<PreflightFailedException>(failure.InnerException);
        var problem = Assert.Single(preflight.Problems, p => p.Contains("reconfigEnabled=true", StringComparison.Ordinal));
        Assert.Contains("source server(s) 1, 2, 3", problem, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"preflight took {clock.Elapsed}");
        var state = JournalState.From(FileJournal.ReadAll(Path.Combine(lab.StateRoot, plan.PlanId, "journal.jsonl")));
        Assert.False(state.IsCompleted("preflight"));
        Assert.False(state.IsCompleted("join"));
        foreach (var host in lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Destination))
        {
            Assert.False(Directory.Exists(Path.Combine(host.Layout.ZooKeeperDataDirectory, "version-2")) && Directory.EnumerateFileSystemEntries(Path.Combine(host.Layout.ZooKeeperDataDirectory, "version-2")).Any(), $"{host.Name} holds data");
        }
    }
}
