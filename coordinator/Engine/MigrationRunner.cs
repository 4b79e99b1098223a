using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Reporting.Page;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>How <see cref="MigrationRunner"/> runs: where state lives, who confirms, what watches.</summary>
public sealed record MigrationRunOptions
{
    /// <summary>The state directory root (<see cref="MigrationStore.DefaultRoot"/> by default).</summary>
    public string StateRoot { get; init; } = MigrationStore.DefaultRoot;

    public IConfirmation Confirmation { get; init; } = new FixedConfirmation(false);

    public IMigrationEvents Events { get; init; } = NoMigrationEvents.Instance;

    /// <summary>Poll srvr on every server during the run and report the gaps; default true.</summary>
    public bool MonitorAvailability { get; init; } = true;

    /// <summary>Agents for a plan; default gRPC over <see cref="PlanAgentChannels"/>.</summary>
    public Func<MigrationPlan, IHostAgentFactory>? Agents { get; init; }

    /// <summary>Default <see cref="ZooKeeperClusterInspector"/>.</summary>
    public IClusterInspector? Inspector { get; init; }

    public Action<int>? OnBrokerSwitched { get; init; }

    /// <summary>The run's Prometheus metrics (<c>--metrics-listen</c>), fed by the run; null for none.</summary>
    public ZkMitosis.Coordinator.Metrics.MigrationMetrics? Metrics { get; init; }

    /// <summary>Asked before each batch of a batched Kafka switch (<c>--approve-each-batch</c>); null: no pause.</summary>
    public IConfirmation? BatchApproval { get; init; }

    /// <summary>Called after the run (success or not) for the workload's figures (<c>--stress</c>).</summary>
    public Func<Task<WorkloadSummary?>>? Workload { get; init; }
}

/// <summary>
/// <c>migrate run | resume | abort | status</c> as library calls: the store, the journal, agents, inspector,
/// availability monitor and report around the engine. The CLI, the demo, tests and the benchmark share it.
/// </summary>
public static class MigrationRunner
{
    /// <summary>Starts the migration of <paramref name="planText"/> (or continues it, if this plan already has a journal).</summary>
    /// <exception cref="StateDirectoryLockedException">another coordinator runs this plan.</exception>
    public static Task<MigrationReport> RunAsync(string planText, MigrationRunOptions options, CancellationToken cancellationToken) =>
        RunAsync(PlanLoader.Load(planText), planText, options, cancellationToken);

    /// <summary>Starts the migration of <paramref name="plan"/>, already loaded from <paramref name="planText"/> (which the
    /// store keeps as the plan's copy for resume), or continues it if this plan already has a journal.</summary>
    /// <exception cref="StateDirectoryLockedException">another coordinator runs this plan.</exception>
    public static async Task<MigrationReport> RunAsync(MigrationPlan plan, string planText, MigrationRunOptions options, CancellationToken cancellationToken)
    {
        var store = new MigrationStore(options.StateRoot);
        using var held = store.Lock(plan.PlanId);
        store.SavePlan(plan.PlanId, planText);
        return await DriveAsync(plan, options, CoordinatorMode.Run, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Continues the migration <paramref name="planId"/> (or the only one) with the plan it started with.</summary>
    /// <exception cref="StateDirectoryLockedException">another coordinator runs this plan.</exception>
    /// <exception cref="JournalCorruptException">the journal is damaged or holds no record.</exception>
    public static async Task<MigrationReport> ResumeAsync(string? planId, MigrationRunOptions options, CancellationToken cancellationToken)
    {
        var store = new MigrationStore(options.StateRoot);
        var id = store.Resolve(planId);
        using var held = store.Lock(id);
        FileJournal.ReadExisting(store.JournalPath(id));
        var plan = PlanLoader.Load(File.ReadAllText(store.PlanCopyPath(id)));
        return await DriveAsync(plan, options, CoordinatorMode.Resume, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Undoes the migration <paramref name="planId"/> if it has not passed the point of no return.</summary>
    /// <exception cref="StateDirectoryLockedException">another coordinator runs this plan.</exception>
    /// <exception cref="JournalCorruptException">the journal is damaged or holds no record.</exception>
    public static async Task<MigrationReport> AbortAsync(string? planId, MigrationRunOptions options, CancellationToken cancellationToken)
    {
        var store = new MigrationStore(options.StateRoot);
        var id = store.Resolve(planId);
        using var held = store.Lock(id);
        FileJournal.ReadExisting(store.JournalPath(id));
        var plan = PlanLoader.Load(File.ReadAllText(store.PlanCopyPath(id)));
        return await DriveAsync(plan, options with { MonitorAvailability = false }, CoordinatorMode.Abort, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The report as the journal stands, without touching anything.</summary>
    public static MigrationReport Status(string? planId, string stateRoot)
    {
        var store = new MigrationStore(stateRoot);
        var id = store.Resolve(planId);
        var plan = PlanLoader.Load(File.ReadAllText(store.PlanCopyPath(id)));
        var cleanup = Path.Combine(store.PlanDirectory(id), Cleanup.CleanupRunner.JournalFileName);
        return MigrationReport.Build(plan, FileJournal.ReadExisting(store.JournalPath(id)), cleanup: File.Exists(cleanup) ? FileJournal.ReadAll(cleanup) : null);
    }

    private static async Task<MigrationReport> DriveAsync(MigrationPlan plan, MigrationRunOptions options, CoordinatorMode mode, CancellationToken cancellationToken)
    {
        var store = new MigrationStore(options.StateRoot);
        var metrics = options.Metrics;
        var events = metrics is null ? options.Events : new MigrationEventFanOut(options.Events, metrics);
        using var channels = new PlanAgentChannels(plan.Tls);
        var agents = options.Agents?.Invoke(plan) ?? new GrpcHostAgentFactory(plan, channels.For, new AgentRetryPolicy
        {
            OnRetry = (agent, call, attempt, error) => events.Publish(new MigrationEvent(DateTimeOffset.UtcNow, MigrationEventKind.Warning, null, $"agent {agent}: {call} attempt {attempt} failed ({error}); retrying with the same operation id")),
            OnAttempt = metrics is null ? null : metrics.ObserveAgentCall,
        });
        var inspector = options.Inspector ?? new ZooKeeperClusterInspector { Plan = plan };
        using var journal = FileJournal.Open(store.JournalPath(plan.PlanId));
        metrics?.Attach(plan, mode, () => journal.Records);
        var services = new MigrationServices
        {
            Plan = plan,
            Journal = journal,
            Agents = agents,
            Inspector = inspector,
            Events = events,
            Confirmation = options.Confirmation,
            StateDirectory = store.PlanDirectory(plan.PlanId),
            Mode = mode,
            OnBrokerSwitched = options.OnBrokerSwitched,
            BatchApproval = options.BatchApproval,
        };

        // Each gap is journaled as it closes, so a coordinator killed later keeps the gaps it saw for the report.
        var monitor = options.MonitorAvailability
            ? new AvailabilityMonitor(plan, inspector)
            {
                OnGap = gap =>
                {
                    events.Publish(new MigrationEvent(gap.End, MigrationEventKind.Gap, null, $"{gap.Cluster} served nothing for {gap.Milliseconds:0} ms", gap.Cluster, GapMilliseconds: gap.Milliseconds));
                    return journal.AppendAsync(GapRecord([gap]), CancellationToken.None);
                },
                OnModeSpans = spans => journal.AppendAsync(ModesRecord(spans), CancellationToken.None),
                // A resumed run's destination has served since its join: down at the first poll is a gap, measured from there.
                ServedBefore = JournalState.From(journal.Records).IsCompleted("join") ? new HashSet<string> { "destination" } : new HashSet<string>(),
                OnObservation = metrics is null ? null : metrics.ObserveServer,
            }
            : null;
        monitor?.Start();
        Exception? failure = null;
        try
        {
            if (mode == CoordinatorMode.Abort)
            {
                await new MigrationAborter(services).AbortAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await new MigrationEngine(services).RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (monitor is not null)
        {
            await monitor.StopAsync().ConfigureAwait(false);
            var open = monitor.OpenAtStop;
            await monitor.DisposeAsync().ConfigureAwait(false);
            if (open.Count > 0)
            {
                await journal.AppendAsync(GapRecord(open), CancellationToken.None).ConfigureAwait(false);
            }

            if (monitor.ModesOpenAtStop is { Count: > 0 } modes)
            {
                await journal.AppendAsync(ModesRecord(modes), CancellationToken.None).ConfigureAwait(false);
            }
        }

        WorkloadSummary? workload = null;
        if (options.Workload is not null)
        {
            workload = await options.Workload().ConfigureAwait(false);
        }

        var report = MigrationReport.Build(plan, journal.Records, workload);
        await File.WriteAllTextAsync(store.ReportJsonPath(plan.PlanId), report.ToJson(), CancellationToken.None).ConfigureAwait(false);
        await File.WriteAllTextAsync(store.ReportTextPath(plan.PlanId), report.ToText(), CancellationToken.None).ConfigureAwait(false);
        await File.WriteAllTextAsync(store.ReportHtmlPath(plan.PlanId), ReportPage.Render(report), CancellationToken.None).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new MigrationFailedException(report, failure);
        }

        return report;
    }

    private static JournalRecord GapRecord(IReadOnlyList<Gap> gaps) =>
        new() { Type = JournalRecordTypes.Observation, Step = MigrationReport.MonitorStep, Key = MigrationReport.GapsKey, Value = StepContext.ToNode(gaps) };

    private static JournalRecord ModesRecord(IReadOnlyList<ServerModeSpan> spans) =>
        new() { Type = JournalRecordTypes.Observation, Step = MigrationReport.MonitorStep, Key = MigrationReport.ModesKey, Value = StepContext.ToNode(spans) };
}

/// <summary>The run stopped with <see cref="Exception.InnerException"/>; <see cref="Report"/> shows how far it got.</summary>
public sealed class MigrationFailedException(MigrationReport report, Exception inner) : Exception(inner.Message, inner)
{
    public MigrationReport Report { get; } = report;
}
