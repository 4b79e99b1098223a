using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.Coordinator.Stress;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// <c>migrate run --stress N</c>: the stress workload runs under the chroot through the migration, moves to the
/// destination when the first broker does, and is verified against the destination at the end.
/// </summary>
internal static class MigrateStress
{
    public static async Task<MigrationRunOptions> AttachAsync(MigrationRunOptions options, MigrationPlan plan, int sessions, CancellationToken cancellationToken)
    {
        // On each ensemble's session ports with its TLS and SASL (EnsembleAccess), as the tenant itself reaches it. The
        // workload's sessions keep the source's credentials when they move: the lab's ensembles share them.
        var source = EnsembleAccess.Source(plan);
        var destination = EnsembleAccess.Destination(plan);
        var workload = await StressWorkload.StartAsync(new StressOptions { ConnectString = source.Hosts() + plan.Chroot, Sessions = sessions, Security = source.ClientSecurity() }, cancellationToken);
        var switched = 0;
        var destinationHosts = destination.Hosts();
        return options with
        {
            OnBrokerSwitched = _ =>
            {
                if (Interlocked.Exchange(ref switched, 1) == 0)
                {
                    workload.SwitchServers(destinationHosts);
                }
            },
            Workload = async () =>
            {
                var result = await workload.StopAsync();
                await workload.DisposeAsync();
                // Verified where the workload ended: on the source when no broker was switched (a run that stopped
                // before the switch, e.g. at preflight, whose destination never served).
                var endedOn = Volatile.Read(ref switched) == 1 ? destination : source;
                var verification = await StressWorkload.VerifyAsync(endedOn.Hosts() + plan.Chroot, result, CancellationToken.None, endedOn.ClientSecurity());
                return new WorkloadSummary(result.AcknowledgedWrites, verification.MissingWrites, result.Expiries, result.LongestGapMs)
                {
                    LongestGapEndedAt = result.Sessions.OrderByDescending(s => s.LongestGapMs).FirstOrDefault()?.LongestGapEndedAt,
                };
            },
        };
    }
}
