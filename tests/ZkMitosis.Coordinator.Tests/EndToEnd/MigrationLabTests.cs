using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Whole migrations in the lab (3 source, 3 destination, 3 broker stand-ins, the other tenant): real ZooKeeper,
/// real agents over gRPC, real firewall rules. Each test builds and removes its own lab.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class MigrationLabTests
{
    /// <summary>
    /// The observer strategy with every guarantee checked, made adversarial: at the point of no return two
    /// destination observers are cut off from the source one after the other while Kafka keeps writing, so the
    /// destination nodes stop at three different zxids and only the last one holds everything.
    /// </summary>
    [Fact]
    public async Task Run_ObserverWithDestinationAtDifferentZxids_EveryGuaranteeHolds()
    {
        await using var lab = await MigrationLab.UpAsync();
        var plan = PlanLoader.Load(lab.Plan());
        var sourceHosts = lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Source).Select(h => h.Name).ToList();
        var destination = lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Destination).ToList();
        await using var stress = await StressWorkload.StartAsync(new StressOptions { ConnectString = plan.SourceConnect, Sessions = 8 }, CancellationToken.None);
        var switched = 0;
        var options = new MigrationRunOptions
        {
            StateRoot = lab.StateRoot,
            Confirmation = new SpreadZxidsConfirmation(lab, destination[0].Name, destination[1].Name, sourceHosts),
            OnBrokerSwitched = _ =>
            {
                if (Interlocked.Exchange(ref switched, 1) == 0)
                {
                    stress.SwitchServers(string.Join(',', plan.Destination.Select(d => d.ClientEndpoint)));
                }
            },
        };

        var report = await MigrationRunner.RunAsync(lab.Plan(), options, CancellationToken.None);

        var result = await stress.StopAsync();
        foreach (var host in destination.Take(2))
        {
            await lab.Lab.HealAsync(host.Name);
        }

        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.Contains(report.Checks, c => c.Name == "broker-epochs-unchanged");
        Assert.Contains(report.Checks, c => c.Name == "controller-epoch-unchanged");
        // The spread really happened, and the most up-to-date node led.
        var election = report.Election!;
        var zxids = election.Zxids.Values.Distinct().Count();
        Assert.True(zxids >= 2, $"destination zxids did not spread: {string.Join(", ", election.Zxids)}");
        Assert.Equal(election.Zxids.Values.Max(), election.Zxids[election.Leader.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        var verification = await StressWorkload.VerifyAsync(plan.DestinationConnect, result, CancellationToken.None);
        Assert.True(result.AcknowledgedWrites > 0);
        Assert.Equal(0, verification.MissingWrites);
        Assert.Equal(0, result.Expiries);
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();
    }

    /// <summary>At the point of no return, cuts two destination observers off the source one after the other.</summary>
    private sealed class SpreadZxidsConfirmation(MigrationLab lab, string first, string second, IReadOnlyList<string> sources) : IConfirmation
    {
        public async Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken)
        {
            await lab.Lab.PartitionAsync(first, sources, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            await lab.Lab.PartitionAsync(second, sources, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return true;
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MigrationLabCollection
{
    public const string Name = "migration lab";
}
