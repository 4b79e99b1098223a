using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Lab;

namespace ZkMitosis.Bench;

/// <summary>
/// One bench run's lab and its scratch directory (the lab's files, the migration's state, logs): brought up together,
/// torn down together. The directory is deleted at the end unless <see cref="Keep"/> (to read a slow run's logs).
/// </summary>
internal sealed class BenchLab : IAsyncDisposable
{
    private BenchLab(DirectoryInfo directory, ZkMitosis.Lab.Lab lab)
    {
        Directory = directory.FullName;
        Lab = lab;
    }

    /// <summary>The scratch directory (absolute); the lab lives in its <c>lab</c> subdirectory.</summary>
    public string Directory { get; }

    /// <summary>The lab, up.</summary>
    public ZkMitosis.Lab.Lab Lab { get; }

    /// <summary>Leave <see cref="Directory"/> in place at the end (its path is printed).</summary>
    public bool Keep { get; set; }

    /// <summary>The migration's state root in <see cref="Directory"/>.</summary>
    public string StateRoot => Path.Combine(Directory, "state");

    /// <summary>
    /// Brings up a lab named <c>bench</c> with <paramref name="prefix"/> and <paramref name="subnet"/> in a new scratch
    /// directory named after <paramref name="tag"/>; <paramref name="configure"/> adjusts the spec (brokers, racks).
    /// </summary>
    /// <exception cref="Exception">what the lab's bring-up threw; the scratch directory is deleted first.</exception>
    public static async Task<BenchLab> UpAsync(string tag, string subnet, string prefix, Func<LabSpec, LabSpec>? configure = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"zkm-bench-{tag}-");
        try
        {
            var spec = new LabSpec { Name = "bench", Prefix = prefix, Subnet = subnet, Directory = Path.Combine(directory.FullName, "lab") };
            return new BenchLab(directory, await LabCluster.UpAsync(configure is null ? spec : configure(spec)));
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>The lab's plan with its <c>strategy: observer</c> line replaced by <paramref name="strategyLines"/> (e.g. <c>copy\npreCopy: client</c>).</summary>
    public string PlanText(string strategyLines = "observer") =>
        File.ReadAllText(Lab.PlanPath!).Replace("strategy: observer", $"strategy: {strategyLines}", StringComparison.Ordinal);

    /// <summary>
    /// Runs the whole migration of <paramref name="planText"/> (confirmed, its events logged to <c>events.log</c> in
    /// <see cref="Directory"/>) while <paramref name="tenant"/> writes, moving the tenant's sessions to the destination
    /// when the first broker is switched, as a Kafka client follows its brokers; prints the report and returns it.
    /// </summary>
    public async Task<MigrationReport> MigrateWithTenantAsync(string planText, MigrationPlan plan, StressWorkload tenant)
    {
        var switched = 0;
        using var events = new EventLog(Path.Combine(Directory, "events.log"));
        var report = await MigrationRunner.RunAsync(planText, new MigrationRunOptions
        {
            StateRoot = StateRoot,
            Confirmation = new FixedConfirmation(true),
            Events = events,
            OnBrokerSwitched = _ =>
            {
                if (Interlocked.Exchange(ref switched, 1) == 0)
                {
                    tenant.SwitchServers(string.Join(',', plan.Destination.Select(d => d.ClientEndpoint)));
                }
            },
        }, CancellationToken.None);
        Console.WriteLine(report.ToText());
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        await Lab.DisposeAsync();
        if (Keep)
        {
            Console.WriteLine($"kept {Directory}");
        }
        else
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
