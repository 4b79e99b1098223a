using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Whole migrations between ensembles of other sizes than 3 → 3 (issue 17): observer strategy 5 → 5, 3 → 5 and 5 → 3,
/// and the participant strategy 5 → 5 (three joiners, ⌈m/2⌉ ≤ k ≤ n − 1), in the lab with real ZooKeeper, agents and
/// firewall rules. The workload is the cheapest that still proves the guarantees: two stress sessions writing through
/// the switch (every acknowledged write found on the destination, no session expired), one broker stand-in and the
/// other tenant kept whole. Each case prints its cost.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class EnsembleSizeLabTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(5, 5, "observer")]
    [InlineData(3, 5, "observer")]
    [InlineData(5, 3, "observer")]
    [InlineData(5, 5, "participant")]
    public async Task Run_CompletesWithNothingLost(int sourceSize, int destinationSize, string strategy)
    {
        var total = Stopwatch.StartNew();
        await using var lab = await MigrationLab.UpAsync(brokers: 1, source: sourceSize, destination: destinationSize);
        var labUp = total.Elapsed;
        var text = lab.Plan(strategy);
        var plan = PlanLoader.Load(text);
        Assert.Equal(sourceSize, plan.Source.Count);
        Assert.Equal(destinationSize, plan.Destination.Count);

        var migration = Stopwatch.StartNew();
        var run = await WorkloadMigration.RunAsync(lab, text, sessions: 2, output);
        migration.Stop();

        await WorkloadMigration.AssertNothingLostAsync(lab, plan.DestinationConnect, run);
        var election = run.Report.Election!;
        Assert.Equal(destinationSize, election.Zxids.Count);
        Assert.Equal(election.Zxids.Values.Max(), election.Zxids[election.Leader.ToString(CultureInfo.InvariantCulture)]);
        if (strategy == "participant")
        {
            // The fewest joiners that keep every invariant for 5 → 5 is three; the leader must be one of them, since the
            // dormant two start empty.
            Assert.Equal(3, plan.Joiners.Count);
            Assert.Contains(election.Leader, plan.Joiners);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cost {sourceSize} → {destinationSize} {strategy}: lab up {labUp.TotalSeconds:0.0} s, migration {migration.Elapsed.TotalSeconds:0.0} s, test {total.Elapsed.TotalSeconds:0.0} s before teardown; {run.Workload.AcknowledgedWrites} writes acknowledged"));
    }
}
