using System.Text.Json;
using Grpc.Core;
using Prometheus;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Metrics;

/// <summary>
/// The coordinator's Prometheus metrics for one run (<c>migrate run|resume|abort --metrics-listen</c>), in a registry of
/// their own. Steps, progress, durations, gaps and the coordinator's downtimes are read from the journal at each scrape
/// (the journal is what the run did, whichever process did it); servers' zxids and modes come from the availability
/// monitor's polls and the steps' observations (<see cref="MigrationEventKind.NodeState"/>); agent calls from every
/// attempt the retry policy makes. docs/metrics.md lists every metric.
/// </summary>
public sealed class MigrationMetrics : IMigrationEvents
{
    /// <summary>The modes a server's mode gauge has a series for; "down" when it does not answer or does not serve.</summary>
    public static readonly IReadOnlyList<string> Modes = ["leader", "follower", "observer", "standalone", "down"];

    private readonly Lock _gate = new();
    private readonly Gauge _info;
    private readonly Gauge _step;
    private readonly Gauge _stepsPlanned;
    private readonly Gauge _stepsCompleted;
    private readonly Gauge _progress;
    private readonly Gauge _stepDuration;
    private readonly Counter _stepFailures;
    private readonly Gauge _serverZxid;
    private readonly Gauge _serverMode;
    private readonly Gauge _clusterServing;
    private readonly Counter _gaps;
    private readonly Counter _gapSeconds;
    private readonly Gauge _gapLongest;
    private readonly Histogram _callDuration;
    private readonly Counter _callFailures;
    private readonly Gauge _downtimes;
    private readonly Gauge _downSeconds;
    private readonly Dictionary<string, string> _clusterOf = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, bool> _serving = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyList<string> _steps = [];
    private Func<IReadOnlyList<JournalRecord>>? _journal;
    private TimeProvider _time = TimeProvider.System;

    public MigrationMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _info = factory.CreateGauge("zkmitosis_migration_info", "1 while this coordinator process works on the plan; labels: plan, strategy, what this process does (run, resume, abort).", "plan_id", "strategy", "mode");
        _step = factory.CreateGauge("zkmitosis_migration_step", "1 for the step running now, 0 for every other step of the plan (all 0 between steps, after the end or a failure).", "step");
        _stepsPlanned = factory.CreateGauge("zkmitosis_migration_steps", "How many steps this process has to have completed for its work to be done (the plan's steps; 1 for an abort).");
        _stepsCompleted = factory.CreateGauge("zkmitosis_migration_steps_completed", "How many of those steps the journal records as completed (by this process or an earlier one).");
        _progress = factory.CreateGauge("zkmitosis_migration_progress_ratio", "steps_completed / steps, 0 to 1.");
        _stepDuration = factory.CreateGauge("zkmitosis_migration_step_duration_seconds", "How long the step's last attempt took; for the step running now, how long it has run so far.", "step");
        _stepFailures = factory.CreateCounter("zkmitosis_migration_step_failures_total", "Attempts of the step that failed (journaled step failures, over every process of the run).", "step");
        _serverZxid = factory.CreateGauge("zkmitosis_migration_server_zxid", "The server's last zxid as last seen (srvr while it serves, its data dir's last zxid when the election step read it stopped); -1 when not known.", "cluster", "server");
        _serverMode = factory.CreateGauge("zkmitosis_migration_server_mode", "1 for the server's mode as last seen, 0 for the others.", "cluster", "server", "mode");
        _clusterServing = factory.CreateGauge("zkmitosis_migration_cluster_serving", "1 when one of the cluster's servers served at the last poll of the availability monitor, else 0 (the destination is 0 until it first serves).", "cluster");
        _gaps = factory.CreateCounter("zkmitosis_migration_gaps_total", "Closed unavailability windows of the cluster (no server serving), journaled over every process of the run. The source's are what its other tenants saw; the destination's what the workload saw once it moved.", "cluster");
        _gapSeconds = factory.CreateCounter("zkmitosis_migration_gap_seconds_total", "Sum of those windows' lengths.", "cluster");
        _gapLongest = factory.CreateGauge("zkmitosis_migration_gap_longest_seconds", "The longest of those windows, 0 when none.", "cluster");
        _callDuration = factory.CreateHistogram("zkmitosis_migration_agent_call_duration_seconds", "Every attempt of an agent call (a retry is an attempt of its own), by agent and RPC, successful or not.",
            new HistogramConfiguration { LabelNames = ["agent", "rpc"], Buckets = Histogram.ExponentialBuckets(0.001, 4, 10) });
        _callFailures = factory.CreateCounter("zkmitosis_migration_agent_call_failures_total", "Agent call attempts that failed, by agent, RPC and gRPC status code (Unavailable and DeadlineExceeded are retried).", "agent", "rpc", "code");
        _downtimes = factory.CreateGauge("zkmitosis_migration_coordinator_interruptions", "How many times the run was interrupted (a coordinator process ended before the run did and a later one took it up).");
        _downSeconds = factory.CreateGauge("zkmitosis_migration_coordinator_down_seconds", "How long no coordinator worked on the run, summed over those interruptions: gaps then were not measured.");
        Registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>The registry to serve (<see cref="MetricsListener"/>).</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>
    /// Binds the metrics to a run: its plan, what this process does and its journal (read at each scrape). Called by
    /// <see cref="MigrationRunner"/> once the journal is open.
    /// </summary>
    public void Attach(MigrationPlan plan, CoordinatorMode mode, Func<IReadOnlyList<JournalRecord>> journal, TimeProvider? time = null)
    {
        lock (_gate)
        {
            _journal = journal;
            _time = time ?? TimeProvider.System;
            _steps = mode == CoordinatorMode.Abort ? [MigrationAborter.StepId] : StepList.For(plan).Select(s => s.Id).ToList();
            _info.WithLabels(plan.PlanId, plan.Strategy.ToString().ToLowerInvariant(), mode.ToString().ToLowerInvariant()).Set(1);
            _stepsPlanned.Set(_steps.Count);
            foreach (var step in _steps)
            {
                _step.WithLabels(step).Set(0);
                _stepFailures.WithLabels(step);
            }

            foreach (var (cluster, servers) in new[] { ("source", plan.Source), ("destination", plan.Destination) })
            {
                _clusterServing.WithLabels(cluster).Set(0);
                _gaps.WithLabels(cluster);
                _gapSeconds.WithLabels(cluster);
                _gapLongest.WithLabels(cluster).Set(0);
                foreach (var server in servers)
                {
                    _clusterOf[server.ClientEndpoint] = cluster;
                    _serverZxid.WithLabels(cluster, server.ClientEndpoint).Set(-1);
                }
            }
        }
    }

    /// <summary>Takes the servers' states the steps observe; every other event is the journal's, read at scrape time.</summary>
    public void Publish(MigrationEvent migrationEvent)
    {
        if (migrationEvent is { Kind: MigrationEventKind.NodeState, Host: { } host })
        {
            lock (_gate)
            {
                if (_clusterOf.TryGetValue(host, out var cluster))
                {
                    SetServer(cluster, host, migrationEvent.Mode, migrationEvent.Zxid ?? -1);
                }
            }
        }
    }

    /// <summary>One answer of the availability monitor's poll (<see cref="AvailabilityMonitor.OnObservation"/>).</summary>
    public void ObserveServer(string cluster, ServerSpec server, ServerObservation observation)
    {
        lock (_gate)
        {
            // A server that does not serve keeps the zxid last seen: srvr gives none, and the election step reads its data dir.
            SetServer(cluster, server.ClientEndpoint, observation.Serving ? observation.Mode : null, observation.Serving ? observation.Zxid : -1);
            _serving[server.ClientEndpoint] = observation.Serving;
            var anyServing = _clusterOf.Where(c => c.Value == cluster).Any(c => _serving.GetValueOrDefault(c.Key));
            _clusterServing.WithLabels(cluster).Set(anyServing ? 1 : 0);
        }
    }

    /// <summary>One attempt of an agent call (<see cref="Agents.AgentRetryPolicy.OnAttempt"/>).</summary>
    public void ObserveAgentCall(string agent, string rpc, TimeSpan elapsed, StatusCode? failure)
    {
        _callDuration.WithLabels(agent, rpc).Observe(elapsed.TotalSeconds);
        if (failure is { } code)
        {
            _callFailures.WithLabels(agent, rpc, code.ToString()).Inc();
        }
    }

    private void SetServer(string cluster, string server, string? mode, long zxid)
    {
        var shown = mode is not null && Modes.Contains(mode) ? mode : "down";
        foreach (var m in Modes)
        {
            _serverMode.WithLabels(cluster, server, m).Set(m == shown ? 1 : 0);
        }

        if (zxid >= 0)
        {
            _serverZxid.WithLabels(cluster, server).Set(zxid);
        }
    }

    /// <summary>Before each scrape: the step gauges, gaps and downtimes from the journal as it stands.</summary>
    private void Refresh()
    {
        IReadOnlyList<JournalRecord> records;
        lock (_gate)
        {
            if (_journal is null)
            {
                return;
            }

            records = _journal();
        }

        var state = JournalState.From(records);
        var now = _time.GetUtcNow();
        string? running = null;
        var started = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        var gaps = new List<Gap>();
        foreach (var record in records)
        {
            switch (record.Type)
            {
                case JournalRecordTypes.ProcessStarted:
                    // A step an earlier process was killed in runs again only when this process starts it.
                    running = null;
                    break;
                case JournalRecordTypes.StepStarted when record.Step is not null:
                    started[record.Step] = record.At;
                    running = record.Step;
                    break;
                case JournalRecordTypes.StepCompleted or JournalRecordTypes.StepFailed when record.Step is not null && started.TryGetValue(record.Step, out var at):
                    running = running == record.Step ? null : running;
                    _stepDuration.WithLabels(record.Step).Set((record.At - at).TotalSeconds);
                    if (record.Type == JournalRecordTypes.StepFailed)
                    {
                        failures[record.Step] = failures.GetValueOrDefault(record.Step) + 1;
                    }

                    break;
                case JournalRecordTypes.Observation when record is { Step: "monitor", Value: not null }:
                    gaps.AddRange(record.Value.Deserialize<List<Gap>>(JournalJson.Options) ?? []);
                    break;
            }
        }

        lock (_gate)
        {
            foreach (var step in _steps)
            {
                _step.WithLabels(step).Set(step == running ? 1 : 0);
                _stepFailures.WithLabels(step).IncTo(failures.GetValueOrDefault(step));
            }

            if (running is not null && started.TryGetValue(running, out var since))
            {
                _stepDuration.WithLabels(running).Set((now - since).TotalSeconds);
            }

            var completed = _steps.Count(state.IsCompleted);
            _stepsCompleted.Set(completed);
            _progress.Set(_steps.Count == 0 ? 0 : (double)completed / _steps.Count);
            foreach (var cluster in new[] { "source", "destination" })
            {
                // "source (still down)" is a window still open when a process stopped: it counts with its cluster.
                var mine = gaps.Where(g => g.Cluster.Split(' ')[0] == cluster).ToList();
                _gaps.WithLabels(cluster).IncTo(mine.Count);
                _gapSeconds.WithLabels(cluster).IncTo(mine.Sum(g => g.Milliseconds) / 1000);
                _gapLongest.WithLabels(cluster).Set(mine.Select(g => g.Milliseconds / 1000).DefaultIfEmpty(0).Max());
            }

            var downs = state.Processes.Where(p => p.DownBefore is not null).Select(p => p.DownBefore!.Value).ToList();
            _downtimes.Set(downs.Count);
            _downSeconds.Set(downs.Sum(d => d.TotalSeconds));
        }
    }
}
