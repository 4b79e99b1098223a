using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Metrics;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Tests.Support;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Testing;
using ZkMitosis.Testing.Prometheus;

namespace ZkMitosis.Coordinator.Tests.Metrics;

/// <summary>The coordinator's metrics from a real journal, scraped and parsed as Prometheus would.</summary>
public sealed class MigrationMetricsTests : IDisposable
{
    private readonly TestDirectory _directory = new("metrics");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));

    private static async Task<PrometheusExposition> ScrapeAsync(MigrationMetrics metrics)
    {
        using var body = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(body);
        var exposition = PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(body.ToArray()));
        Assert.Empty(PrometheusNaming.Problems(exposition, "zkmitosis_"));
        return exposition;
    }

    private Task Append(FileJournal journal, string type, string? step = null, JsonNode? value = null, string? key = null) =>
        journal.AppendAsync(new JournalRecord { Type = type, Step = step, Value = value, Key = key, Attempt = step is null ? 0 : 1 }, CancellationToken.None);

    [Fact]
    public async Task Journal_StepsProgressDurationsFailuresGapsDowntime()
    {
        var plan = PlanLoader.Load(SamplePlans.Valid);
        var steps = StepList.For(plan).Select(s => s.Id).ToList();
        using var journal = FileJournal.Open(Path.Combine(_directory.Path, "journal.jsonl"), _time);
        var metrics = new MigrationMetrics();
        metrics.Attach(plan, CoordinatorMode.Run, () => journal.Records, _time);
        await Append(journal, JournalRecordTypes.RunStarted, value: new JsonObject { ["planId"] = plan.PlanId, ["runId"] = "r1" });
        await Append(journal, JournalRecordTypes.ProcessStarted, value: new JsonObject { ["mode"] = "run" });
        await Append(journal, JournalRecordTypes.StepStarted, steps[0]);
        _time.Advance(TimeSpan.FromSeconds(2));

        var running = await ScrapeAsync(metrics);

        Assert.Equal(1, running.Value("zkmitosis_migration_info", "plan_id", plan.PlanId, "strategy", "observer", "mode", "run"));
        Assert.Equal(1, running.Value("zkmitosis_migration_step", "step", steps[0]));
        Assert.All(steps.Skip(1), s => Assert.Equal(0, running.Value("zkmitosis_migration_step", "step", s)));
        Assert.Equal(2, running.Value("zkmitosis_migration_step_duration_seconds", "step", steps[0]));
        Assert.Equal(steps.Count, running.Value("zkmitosis_migration_steps"));
        Assert.Equal(0, running.Value("zkmitosis_migration_progress_ratio"));
        Assert.Equal(0, running.Value("zkmitosis_migration_coordinator_interruptions"));

        _time.Advance(TimeSpan.FromSeconds(1));
        await Append(journal, JournalRecordTypes.StepCompleted, steps[0]);
        await Append(journal, JournalRecordTypes.StepStarted, steps[1]);
        await Append(journal, JournalRecordTypes.Observation, "monitor", StepContext.ToNode(new[] { new Gap("source", _time.GetUtcNow(), _time.GetUtcNow().AddMilliseconds(250)) }), "gaps");
        _time.Advance(TimeSpan.FromSeconds(4));
        await Append(journal, JournalRecordTypes.StepFailed, steps[1]);

        var failed = await ScrapeAsync(metrics);

        Assert.Equal(3, failed.Value("zkmitosis_migration_step_duration_seconds", "step", steps[0]));
        Assert.Equal(4, failed.Value("zkmitosis_migration_step_duration_seconds", "step", steps[1]));
        Assert.All(steps, s => Assert.Equal(0, failed.Value("zkmitosis_migration_step", "step", s)));
        Assert.Equal(1, failed.Value("zkmitosis_migration_steps_completed"));
        Assert.Equal(1.0 / steps.Count, failed.Value("zkmitosis_migration_progress_ratio"));
        Assert.Equal(1, failed.Value("zkmitosis_migration_step_failures_total", "step", steps[1]));
        Assert.Equal(0, failed.Value("zkmitosis_migration_step_failures_total", "step", steps[0]));
        Assert.Equal(1, failed.Value("zkmitosis_migration_gaps_total", "cluster", "source"));
        Assert.Equal(0.25, failed.Value("zkmitosis_migration_gap_seconds_total", "cluster", "source"));
        Assert.Equal(0.25, failed.Value("zkmitosis_migration_gap_longest_seconds", "cluster", "source"));
        Assert.Equal(0, failed.Value("zkmitosis_migration_gaps_total", "cluster", "destination"));

        // A minute later a resume takes the run up: one interruption of 60 s, and the failed step runs again.
        _time.Advance(TimeSpan.FromSeconds(60));
        await Append(journal, JournalRecordTypes.ProcessStarted, value: new JsonObject { ["mode"] = "resume" });
        await Append(journal, JournalRecordTypes.StepStarted, steps[1]);

        var resumed = await ScrapeAsync(metrics);

        Assert.Equal(1, resumed.Value("zkmitosis_migration_coordinator_interruptions"));
        Assert.Equal(60, resumed.Value("zkmitosis_migration_coordinator_down_seconds"));
        Assert.Equal(1, resumed.Value("zkmitosis_migration_step", "step", steps[1]));

        // That process is killed inside the step (nothing journaled); the next one has not started the step yet.
        _time.Advance(TimeSpan.FromSeconds(30));
        await Append(journal, JournalRecordTypes.ProcessStarted, value: new JsonObject { ["mode"] = "resume" });

        var killed = await ScrapeAsync(metrics);

        Assert.All(steps, s => Assert.Equal(0, killed.Value("zkmitosis_migration_step", "step", s)));
        Assert.Equal(2, killed.Value("zkmitosis_migration_coordinator_interruptions"));
        Assert.Equal(90, killed.Value("zkmitosis_migration_coordinator_down_seconds"));
    }

    [Fact]
    public async Task ServersAndAgentCalls_ZxidModeServingLatencyFailures()
    {
        var plan = PlanLoader.Load(SamplePlans.Valid);
        using var journal = FileJournal.Open(Path.Combine(_directory.Path, "journal.jsonl"), _time);
        var metrics = new MigrationMetrics();
        metrics.Attach(plan, CoordinatorMode.Resume, () => journal.Records, _time);
        var source = plan.Source[0];
        var destination = plan.Destination[0];

        metrics.ObserveServer("source", source, new ServerObservation(true, "leader", 0x100000005, null));
        metrics.ObserveServer("destination", destination, new ServerObservation(false, null, -1, "refused"));
        // The election step reads a stopped destination node's data dir: its zxid shows while it is down.
        metrics.Publish(new MigrationEvent(_time.GetUtcNow(), MigrationEventKind.NodeState, "elect", "stopped", destination.ClientEndpoint, "stopped", 0x100000003));
        metrics.ObserveAgentCall(destination.Agent, "Describe", TimeSpan.FromMilliseconds(3), null);
        metrics.ObserveAgentCall(destination.Agent, "Describe", TimeSpan.FromSeconds(5), StatusCode.DeadlineExceeded);

        var scraped = await ScrapeAsync(metrics);

        Assert.Equal(0x100000005, scraped.Value("zkmitosis_migration_server_zxid", "server", source.ClientEndpoint));
        Assert.Equal(1, scraped.Value("zkmitosis_migration_server_mode", "server", source.ClientEndpoint, "mode", "leader"));
        Assert.Equal(0, scraped.Value("zkmitosis_migration_server_mode", "server", source.ClientEndpoint, "mode", "down"));
        Assert.Equal(0x100000003, scraped.Value("zkmitosis_migration_server_zxid", "cluster", "destination", "server", destination.ClientEndpoint));
        Assert.Equal(1, scraped.Value("zkmitosis_migration_server_mode", "server", destination.ClientEndpoint, "mode", "down"));
        Assert.Equal(-1, scraped.Value("zkmitosis_migration_server_zxid", "server", plan.Destination[1].ClientEndpoint));
        Assert.Equal(1, scraped.Value("zkmitosis_migration_cluster_serving", "cluster", "source"));
        Assert.Equal(0, scraped.Value("zkmitosis_migration_cluster_serving", "cluster", "destination"));
        Assert.Equal(2, scraped.Value("zkmitosis_migration_agent_call_duration_seconds_count", "agent", destination.Agent, "rpc", "Describe"));
        Assert.Equal(1, scraped.Value("zkmitosis_migration_agent_call_duration_seconds_bucket", "agent", destination.Agent, "rpc", "Describe", "le", "0.004"));
        Assert.Equal(1, scraped.Value("zkmitosis_migration_agent_call_failures_total", "agent", destination.Agent, "rpc", "Describe", "code", "DeadlineExceeded"));
        Assert.Equal(1, scraped.Value("zkmitosis_migration_info", "mode", "resume"));
    }

    public void Dispose() => _directory.Dispose();
}
