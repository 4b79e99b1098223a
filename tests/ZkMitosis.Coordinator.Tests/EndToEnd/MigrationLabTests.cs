using System.Net;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Metrics;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Coordinator.Tests.Reporting;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Testing;
using ZkMitosis.Testing.Prometheus;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Whole migrations in the lab (3 source, 3 destination, 3 broker stand-ins, the other tenant): real ZooKeeper,
/// real agents over gRPC, real firewall rules. Each test builds and removes its own lab.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class MigrationLabTests(ITestOutputHelper output)
{
    /// <summary>
    /// The observer strategy with every guarantee checked, made adversarial: at the point of no return two
    /// destination observers are cut off from the source one after the other while Kafka keeps writing, so the
    /// destination nodes stop at three different zxids and only the last one holds everything. That node is
    /// also made the slowest to start (4 s late), so the two behind it would elect each other if they could.
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
            Confirmation = new SpreadZxidsConfirmation(lab, destination[0].Name, destination[1].Name, destination[2].Name, sourceHosts),
            OnBrokerSwitched = _ =>
            {
                if (Interlocked.Exchange(ref switched, 1) == 0)
                {
                    stress.SwitchServers(string.Join(',', plan.Destination.Select(d => d.ClientEndpoint)));
                }
            },
        };

        var report = await MigrationRunner.RunAsync(lab.Plan(), options, CancellationToken.None);

        output.WriteLine(report.ToText());
        var result = await stress.StopAsync();
        foreach (var host in destination.Take(2))
        {
            await lab.Lab.HealAsync(host.Name);
        }

        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.Contains(report.Checks, c => c.Name == "broker-epochs-unchanged");
        Assert.Contains(report.Checks, c => c.Name == "controller-epoch-unchanged");
        // Each broker left the source, shown positively: the real server that created its registration's session
        // (the session id's top byte) is a destination server.
        Assert.Equal(plan.Brokers.Select(b => $"{plan.Chroot}/brokers/ids/{b.Id}"), report.LeftSource.Select(e => e.Registration));
        Assert.All(report.LeftSource, e =>
        {
            Assert.True(e.OnDestination, e.Describe());
            Assert.Contains(e.EstablishedOn, plan.Destination.Select(d => d.Id));
        });
        // The spread really happened, and the most up-to-date node led.
        var election = report.Election!;
        var zxids = election.Zxids.Values.Distinct().Count();
        Assert.True(zxids >= 2, $"destination zxids did not spread: {string.Join(", ", election.Zxids)}");
        Assert.Equal(election.Zxids.Values.Max(), election.Zxids[election.Leader.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(destination[2].ServerId, election.Leader);
        foreach (var host in destination)
        {
            var log = await File.ReadAllTextAsync(host.Layout.LogFile(HostLayout.ZooKeeperService));
            Assert.DoesNotContain("Truncating log", log, StringComparison.Ordinal);
        }

        var verification = await StressWorkload.VerifyAsync(plan.DestinationConnect, result, CancellationToken.None);
        Assert.True(result.AcknowledgedWrites > 0);
        Assert.Equal(0, verification.MissingWrites);
        Assert.Equal(0, result.Expiries);
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();

        // What this run left for a change review (docs/report.md): every server's modes as srvr showed them, the
        // JSON report valid against its schema, the page drawn by Chromium with a band per server and a span per step.
        var destinationModes = report.Hosts.Where(h => h.Cluster == "destination").ToList();
        Assert.Equal(plan.Destination.Count, destinationModes.Count);
        Assert.All(destinationModes, h =>
        {
            Assert.Contains(h.Spans, s => s.Mode == "observer");
            Assert.Contains(h.Spans[^1].Mode, new[] { "leader", "follower" });
        });
        await ReportArtifacts.AssertWrittenAsync(Path.Combine(lab.StateRoot, plan.PlanId), plan, report, output);
    }

    /// <summary>
    /// Agents in trouble at the point of no return: one destination agent is killed -9 and restarted, the coordinator
    /// is cut off another for 1.5 s (both waited out by the bounded retries), and cut off a third for good. The next
    /// step stops before it changes anything, naming that agent; nothing was cut, the observers still serve. Once the
    /// agent is reachable again, resume completes the migration with every guarantee. Meanwhile both metrics endpoints
    /// are scraped as Prometheus would, every answer parsed strictly: the coordinator's (run, then resume, on one
    /// port) and the agents' of a source and every destination host; what they show moves with the migration.
    /// </summary>
    [Fact]
    public async Task Run_AgentRestartedAndCutOff_StopsBeforeActingThenResumeCompletes()
    {
        await using var lab = await MigrationLab.UpAsync();
        var text = lab.Plan();
        var plan = PlanLoader.Load(text);
        var destination = lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Destination).ToList();
        Task? briefCut = null;
        var confirmation = new CallbackConfirmation(async ct =>
        {
            await lab.Lab.RestartAgentAsync(destination[0].Name, ct);
            await lab.Lab.CutAgentAsync(destination[1].Name, ct);
            briefCut = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                await lab.Lab.HealAsync(destination[1].Name);
            });
            await lab.Lab.CutAgentAsync(destination[2].Name, ct);
        });
        var options = new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = confirmation };
        var port = FreePorts.Next();
        var targets = new Dictionary<string, Uri> { ["coordinator"] = new($"http://127.0.0.1:{port}/metrics") };
        foreach (var host in destination.Prepend(lab.Lab.Hosts.First(h => h.Role == LabHostRole.Source)))
        {
            targets[host.Name] = new Uri($"http://{host.Address}:{AgentHostFiles.MonitoringPort}/metrics");
        }

        await using var scraper = MetricsScraper.Start(targets, TimeSpan.FromMilliseconds(500));
        var runMetrics = new MigrationMetrics();
        MigrationFailedException failure;
        await using (MetricsListener.Start(new IPEndPoint(IPAddress.Loopback, port), runMetrics.Registry))
        {
            failure = await Assert.ThrowsAsync<MigrationFailedException>(() => MigrationRunner.RunAsync(text, options with { Metrics = runMetrics }, CancellationToken.None));
        }

        await briefCut!;

        output.WriteLine(failure.Message);
        Assert.Contains($"agent {destination[2].AgentEndpoint}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("changed nothing", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(destination[0].AgentEndpoint!, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(destination[1].AgentEndpoint!, failure.Message, StringComparison.Ordinal);
        var state = JournalState.From(FileJournal.ReadAll(Path.Combine(lab.StateRoot, plan.PlanId, "journal.jsonl")));
        Assert.True(state.IsCompleted("point-of-no-return"));
        Assert.False(state.IsCompleted("cut"));
        foreach (var host in destination)
        {
            Assert.Equal("observer", await lab.Lab.WaitUntilServingAsync(host.Name, TimeSpan.FromSeconds(10)));
        }

        await lab.Lab.HealAsync(destination[2].Name);
        var resumeMetrics = new MigrationMetrics();
        MigrationReport report;
        await using (MetricsListener.Start(new IPEndPoint(IPAddress.Loopback, port), resumeMetrics.Registry))
        {
            report = await MigrationRunner.ResumeAsync(plan.PlanId, options with { Confirmation = new FixedConfirmation(true), Metrics = resumeMetrics }, CancellationToken.None);
        }

        await scraper.DisposeAsync();

        output.WriteLine(report.ToText());
        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        AssertMetricsMoved(scraper, plan, destination);
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();
    }

    /// <summary>What the scrapes of the run and the resume must show, beyond parsing and naming (checked on every scrape).</summary>
    private void AssertMetricsMoved(MetricsScraper scraper, MigrationPlan plan, IReadOnlyList<LabHost> destination)
    {
        Assert.Empty(scraper.Invalid);
        var coordinator = scraper.Of("coordinator");
        var run = coordinator.Where(e => e.Value("zkmitosis_migration_info", "mode", "run") == 1).ToList();
        var resume = coordinator.Where(e => e.Value("zkmitosis_migration_info", "mode", "resume") == 1).ToList();
        output.WriteLine($"coordinator scrapes: {run.Count} of the run, {resume.Count} of the resume");
        // The resume (cut, elect, heal, verify) lasts 2 to 4 s here: 4 to 8 scrapes at 500 ms; at least one is certain.
        Assert.True(run.Count >= 5 && resume.Count >= 1, $"{run.Count} scrapes of the run, {resume.Count} of the resume");
        static string? Running(PrometheusExposition e) => e.Samples("zkmitosis_migration_step").SingleOrDefault(s => s.Value == 1)?.Labels["step"];

        // The step gauge moves through the steps, and progress only rises.
        var runSteps = run.Select(Running).OfType<string>().Distinct().ToList();
        var resumeSteps = resume.Select(Running).OfType<string>().Distinct().ToList();
        output.WriteLine($"steps seen running: {string.Join(", ", runSteps)} | {string.Join(", ", resumeSteps)}");
        Assert.True(runSteps.Count >= 3, $"steps seen running in the run: {string.Join(", ", runSteps)}");
        // The resume runs the last steps, some shorter than the 500 ms scrape period (heal, verify: about 0.2 s each): how
        // many of them a scrape lands on is timing, so the resume must show a running step, the run shows it moving.
        Assert.True(resumeSteps.Count >= 1, $"no step seen running in the resume");
        var progress = run.Concat(resume).Select(e => e.Value("zkmitosis_migration_progress_ratio")!.Value).ToList();
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.Second >= p.First), $"progress fell: {string.Join(", ", progress)}");
        Assert.True(progress[^1] > progress[0], $"progress did not rise: {string.Join(", ", progress)}");

        // The source leader's zxid rises as the stand-ins write; the agent cut off for good shows its failed calls.
        var sourceZxids = run.Select(e => plan.Source.Max(s => e.Value("zkmitosis_migration_server_zxid", "server", s.ClientEndpoint)!.Value)).ToList();
        Assert.True(sourceZxids[^1] > sourceZxids.First(z => z > 0), $"source zxids did not rise: {sourceZxids.First()} … {sourceZxids[^1]}");
        var cutAgentFailures = run[^1].Samples("zkmitosis_migration_agent_call_failures_total").Where(s => s.Labels["agent"] == destination[2].AgentEndpoint).Sum(s => s.Value);
        Assert.True(cutAgentFailures > 0, "no failed call to the agent cut off");
        Assert.Contains(run[^1].Samples("zkmitosis_migration_agent_call_duration_seconds_count"), s => s.Value > 0);

        // The resume knows the coordinator was down between the failure and itself.
        Assert.Equal(1, resume[^1].Value("zkmitosis_migration_coordinator_interruptions"));
        Assert.True(resume[^1].Value("zkmitosis_migration_coordinator_down_seconds") > 0);

        // A destination agent shows the plan's lease, and its data dir filling: nothing on disk before the join, a zxid after.
        var agent = scraper.Of(destination[1].Name);
        Assert.Contains(agent, e => e.Value("zkmitosis_agent_lease_info", "plan_id", plan.PlanId) == 1);
        var onDisk = agent.Select(e => e.Value("zkmitosis_agent_data_dir_last_zxid")!.Value).ToList();
        output.WriteLine($"{destination[1].Name}: {agent.Count} scrapes, data dir zxid {onDisk.First()} … {onDisk.Max()}");
        Assert.Equal(-1, onDisk[0]);
        Assert.True(onDisk.Max() > 0, "the destination's data dir never showed a zxid");
        Assert.All(agent, e => Assert.Equal(1, e.Value("zkmitosis_agent_state_directory_writable")));
    }

    /// <summary>The seed's procedure (k = 2 joiners, one dormant node) completes with Kafka unaware and nothing lost.</summary>
    [Fact]
    public async Task Run_ParticipantStrategy_Completes()
    {
        await using var lab = await MigrationLab.UpAsync();
        var text = lab.Plan("participant");
        var plan = PlanLoader.Load(text);
        Assert.Equal(2, plan.Joiners.Count);

        var report = await MigrationRunner.RunAsync(text, new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(true) }, CancellationToken.None);

        output.WriteLine(report.ToText());
        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.Contains(report.Election!.Leader, plan.Joiners);
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();
    }

    /// <summary>At the point of no return, cuts two destination observers off the source one after the other.</summary>
    /// <summary>Runs <paramref name="atPointOfNoReturn"/>, then confirms.</summary>
    private sealed class CallbackConfirmation(Func<CancellationToken, Task> atPointOfNoReturn) : IConfirmation
    {
        public async Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken)
        {
            await atPointOfNoReturn(cancellationToken);
            return true;
        }
    }

    /// <summary>At the point of no return: cuts <paramref name="first"/>, then <paramref name="second"/> off the source, and makes <paramref name="slowest"/> (left holding the most) slow to start.</summary>
    private sealed class SpreadZxidsConfirmation(MigrationLab lab, string first, string second, string slowest, IReadOnlyList<string> sources) : IConfirmation
    {
        public async Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken)
        {
            await lab.Lab.PartitionAsync(first, sources, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            await lab.Lab.PartitionAsync(second, sources, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            lab.Lab.SetStartDelay(slowest, TimeSpan.FromSeconds(4));
            return true;
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MigrationLabCollection
{
    public const string Name = "migration lab";
}
