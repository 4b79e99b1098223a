using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Stress;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Whole observer-strategy migrations between ensembles of other sizes than 3 → 3 (issue 17): 5 → 5, 3 → 5 and
/// 5 → 3, in the lab with real ZooKeeper, agents and firewall rules. The workload is the cheapest that still proves
/// the guarantees: two stress sessions writing through the switch (every acknowledged write found on the
/// destination, no session expired), one broker stand-in and the other tenant kept whole. Each case prints its cost.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class EnsembleSizeLabTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(5, 5)]
    [InlineData(3, 5)]
    [InlineData(5, 3)]
    public async Task Run_Observer_CompletesWithNothingLost(int sourceSize, int destinationSize)
    {
        var total = Stopwatch.StartNew();
        await using var lab = await MigrationLab.UpAsync(brokers: 1, source: sourceSize, destination: destinationSize);
        var labUp = total.Elapsed;
        var text = lab.Plan();
        var plan = PlanLoader.Load(text);
        Assert.Equal(sourceSize, plan.Source.Count);
        Assert.Equal(destinationSize, plan.Destination.Count);
        await using var stress = await StressWorkload.StartAsync(new StressOptions { ConnectString = plan.SourceConnect, Sessions = 2 }, CancellationToken.None);
        var switched = 0;
        var options = new MigrationRunOptions
        {
            StateRoot = lab.StateRoot,
            Confirmation = new FixedConfirmation(true),
            OnBrokerSwitched = _ =>
            {
                if (Interlocked.Exchange(ref switched, 1) == 0)
                {
                    stress.SwitchServers(string.Join(',', plan.Destination.Select(d => d.ClientEndpoint)));
                }
            },
        };

        var migration = Stopwatch.StartNew();
        var report = await MigrationRunner.RunAsync(text, options, CancellationToken.None);
        migration.Stop();

        output.WriteLine(report.ToText());
        var result = await stress.StopAsync();
        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        var election = report.Election!;
        Assert.Equal(destinationSize, election.Zxids.Count);
        Assert.Equal(election.Zxids.Values.Max(), election.Zxids[election.Leader.ToString(CultureInfo.InvariantCulture)]);
        var verification = await StressWorkload.VerifyAsync(plan.DestinationConnect, result, CancellationToken.None);
        Assert.True(result.AcknowledgedWrites > 0);
        Assert.Equal(0, verification.MissingWrites);
        Assert.Equal(0, result.Expiries);
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cost {sourceSize} → {destinationSize}: lab up {labUp.TotalSeconds:0.0} s, migration {migration.Elapsed.TotalSeconds:0.0} s, test {total.Elapsed.TotalSeconds:0.0} s before teardown; {result.AcknowledgedWrites} writes acknowledged"));
    }
}
