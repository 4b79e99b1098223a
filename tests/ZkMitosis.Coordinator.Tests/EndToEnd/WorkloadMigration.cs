using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.Coordinator.Stress;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// One whole migration of a lab plan with stress sessions writing through it: the sessions start on the source and
/// move to the destination when the first broker has switched, as a client following its brokers would. The lab tests
/// of other shapes (ensemble sizes, IPv6) share it, so each states only what its shape adds.
/// </summary>
internal static class WorkloadMigration
{
    /// <summary>Runs <paramref name="planText"/> to the end with <paramref name="sessions"/> stress sessions writing.</summary>
    /// <returns>The report, the workload's result and its check on the destination.</returns>
    public static async Task<(MigrationReport Report, StressResult Workload, StressVerification OnDestination)> RunAsync(
        MigrationLab lab, string planText, int sessions, ITestOutputHelper output)
    {
        var plan = PlanLoader.Load(planText);
        // On each ensemble's session ports, with its TLS and SASL (plain for a plan without security).
        var source = EnsembleAccess.Source(plan);
        var destination = EnsembleAccess.Destination(plan);
        await using var stress = await StressWorkload.StartAsync(new StressOptions { ConnectString = source.Hosts() + plan.Chroot, Sessions = sessions, Security = source.ClientSecurity() }, CancellationToken.None);
        var switched = 0;
        var options = new MigrationRunOptions
        {
            StateRoot = lab.StateRoot,
            Confirmation = new FixedConfirmation(true),
            OnBrokerSwitched = _ =>
            {
                if (Interlocked.Exchange(ref switched, 1) == 0)
                {
                    stress.SwitchServers(destination.Hosts() + plan.Chroot);
                }
            },
        };

        var report = await MigrationRunner.RunAsync(planText, options, CancellationToken.None);
        output.WriteLine(report.ToText());
        var result = await stress.StopAsync();
        var verification = await StressWorkload.VerifyAsync(destination.Hosts() + plan.Chroot, result, CancellationToken.None, destination.ClientSecurity());
        return (report, result, verification);
    }

    /// <summary>
    /// The guarantees every whole run keeps: completed with every check passed, every acknowledged write of the
    /// workload and of each broker stand-in on the destination, no session expired, the other tenant whole; read with
    /// <paramref name="security"/> (a secured lab's owner login; null: plain).
    /// </summary>
    public static async Task AssertNothingLostAsync(
        MigrationLab lab, string destinationConnect, (MigrationReport Report, StressResult Workload, StressVerification OnDestination) run, ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? security = null)
    {
        Assert.Equal("completed", run.Report.Status);
        Assert.All(run.Report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.True(run.Workload.AcknowledgedWrites > 0, "the workload acknowledged nothing");
        Assert.Equal(0, run.OnDestination.MissingWrites);
        Assert.Equal(0, run.Workload.Expiries);
        await lab.AssertStandInsWholeAsync(destinationConnect, security);
        await lab.AssertOtherTenantWholeAsync(security);
    }
}
