using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Reporting;

/// <summary>One step in the timeline: when it first started, when it last ended, how often it ran.</summary>
public sealed record StepTiming(string Step, DateTimeOffset? Started, DateTimeOffset? Ended, int Attempts, string Outcome)
{
    public double? Seconds => Started is { } s && Ended is { } e ? (e - s).TotalSeconds : null;
}

/// <summary>
/// A time the coordinator was not running (killed, crashed, stopped) between the last record of one process and the
/// start of the next: nothing was measured then, so a gap may have happened unseen.
/// </summary>
/// <param name="From">The last journal record before the interruption.</param>
/// <param name="To">When the next coordinator process (resume or abort) started.</param>
/// <param name="ResumedAs">resume | abort | run.</param>
public sealed record CoordinatorDowntime(DateTimeOffset From, DateTimeOffset To, string ResumedAs)
{
    public double Seconds => (To - From).TotalSeconds;
}

/// <summary>Workload figures when <c>--stress</c> ran (or a test fed them in).</summary>
public sealed record WorkloadSummary(long AcknowledgedWrites, long MissingOnDestination, int Expiries, long LongestGapMs)
{
    /// <summary>When the workload's longest gap ended (the acknowledgement that closed it), so the page can place it in time; null when unknown.</summary>
    public DateTimeOffset? LongestGapEndedAt { get; init; }
}

/// <summary>Other tenants' data the join copied to the destination: its top subtrees, and when the prune removed them.</summary>
/// <param name="Roots">The top subtrees outside the moved chroots on the destination at verify.</param>
/// <param name="PrunedAt">When <c>migrate prune-destination</c> removed them, or null: they are still there.</param>
public sealed record CopiedData(IReadOnlyList<string> Roots, DateTimeOffset? PrunedAt);

/// <summary>
/// The migration's report, built from the journal (so a resumed run reports the whole migration) plus the gaps
/// the availability monitor saw: timeline, election, data checks, gaps, skew, durations.
/// </summary>
public sealed record MigrationReport
{
    /// <summary>The version of the JSON report's shape (docs/report.md, docs/report.schema.json); raised when a field changes meaning or goes away.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>See <see cref="CurrentSchemaVersion"/>: a reader checks it before it trusts the fields.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string PlanId { get; init; }
    public required string Strategy { get; init; }
    public required string Status { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public double? TotalSeconds => StartedAt is { } s && EndedAt is { } e ? (e - s).TotalSeconds : null;
    public required IReadOnlyList<StepTiming> Timeline { get; init; }
    public ElectionRecord? Election { get; init; }
    public IReadOnlyList<CheckResult> Checks { get; init; } = [];

    /// <summary>
    /// The point of no return's proof, per moved tenant host, that it left the source: the session owning its
    /// registration was established on a destination server (empty before that step ran).
    /// </summary>
    public IReadOnlyList<LeftSourceEvidence> LeftSource { get; init; } = [];

    /// <summary>The addresses each plan host stood for, resolved once at the cut (the firewall rules used them); empty before the cut.</summary>
    public IReadOnlyDictionary<string, List<string>> HostAddresses { get; init; } = new Dictionary<string, List<string>>();
    public IReadOnlyList<Gap> Gaps { get; init; } = [];

    /// <summary>Every time the coordinator was down between two of its processes (the run was interrupted and taken up again).</summary>
    public IReadOnlyList<CoordinatorDowntime> CoordinatorDown { get; init; } = [];
    public double DestinationWindowMs => Gaps.Where(g => g.Cluster.StartsWith("destination", StringComparison.Ordinal)).Select(g => g.Milliseconds).DefaultIfEmpty(0).Max();
    public double SourceLongestGapMs => Gaps.Where(g => g.Cluster.StartsWith("source", StringComparison.Ordinal)).Select(g => g.Milliseconds).DefaultIfEmpty(0).Max();
    public WorkloadSummary? Workload { get; init; }

    /// <summary>Other tenants' data on the destination, copied by the join (null when verify found none or has not run).</summary>
    public CopiedData? CopiedData { get; init; }
    /// <summary>Strategy copy: the ZooKeeper-side block and the tenants' downtime, apart; null for the other strategies.</summary>
    public CopyBlockReport? Copy { get; init; }

    /// <summary>Each server's ZooKeeper mode and zxid over time, from the availability monitor's polls (empty when it did not run).</summary>
    public IReadOnlyList<HostModeBand> Hosts { get; init; } = [];
    public string? Failure { get; init; }

    /// <summary>The journal's pseudo-step under which the availability monitor records what it saw.</summary>
    public const string MonitorStep = "monitor";

    /// <summary>Key of the monitor's records of <see cref="Gap"/>s.</summary>
    public const string GapsKey = "gaps";

    /// <summary>Key of the monitor's records of <see cref="ServerModeSpan"/>s.</summary>
    public const string ModesKey = "modes";

    /// <param name="plan">The plan.</param>
    /// <param name="records">The migration's journal.</param>
    /// <param name="workload">The stress workload's figures, if it ran.</param>
    /// <param name="cleanup">The plan's cleanup journal (<c>cleanup.jsonl</c>), if any: a done prune of the destination.</param>
    public static MigrationReport Build(MigrationPlan plan, IReadOnlyList<JournalRecord> records, WorkloadSummary? workload = null, IReadOnlyList<JournalRecord>? cleanup = null)
    {
        var state = JournalState.From(records);
        var timeline = new List<StepTiming>();
        foreach (var step in Engine.StepList.For(plan))
        {
            var started = records.FirstOrDefault(r => r.Type == JournalRecordTypes.StepStarted && r.Step == step.Id)?.At;
            var ended = records.LastOrDefault(r => (r.Type == JournalRecordTypes.StepCompleted || r.Type == JournalRecordTypes.StepFailed) && r.Step == step.Id);
            var outcome = state.IsCompleted(step.Id) ? "done" : ended?.Type == JournalRecordTypes.StepFailed ? "failed" : started is null ? "pending" : "interrupted";
            timeline.Add(new StepTiming(step.Id, started, ended?.At, state.Attempts(step.Id), outcome));
        }

        var gaps = records.Where(r => r.Type == JournalRecordTypes.Observation && r.Step == MonitorStep && r.Key == GapsKey && r.Value is not null)
            .SelectMany(r => r.Value.Deserialize<List<Gap>>(JournalJson.Options) ?? []).OrderBy(g => g.Start).ToList();
        var modes = records.Where(r => r.Type == JournalRecordTypes.Observation && r.Step == MonitorStep && r.Key == ModesKey && r.Value is not null)
            .SelectMany(r => r.Value.Deserialize<List<ServerModeSpan>>(JournalJson.Options) ?? []);
        var checks = state.Observation(VerifyStep.StepId, "checks")?.Deserialize<List<CheckResult>>(JournalJson.Options) ?? [];
        var election = state.Observation(ElectDestinationStep.StepId, "election")?.Deserialize<ElectionRecord>(JournalJson.Options);
        var addresses = state.Observation(CutStep.StepId, Engine.HostAddresses.Key)?.Deserialize<Dictionary<string, List<string>>>(JournalJson.Options) ?? [];
        var leftSource = state.Observation(PointOfNoReturnStep.StepId, TenantsLeftSource.Key)?.Deserialize<List<LeftSourceEvidence>>(JournalJson.Options) ?? [];
        var copied = state.Observation(VerifyStep.StepId, CopiedTenantData.Key)?.Deserialize<List<string>>(JournalJson.Options) ?? [];
        var pruned = cleanup?.LastOrDefault(r => r.Type == Cleanup.CleanupRunner.DoneRecordType && r.Key == Cleanup.CleanupRunner.PruneDestinationAction)?.At;
        return new MigrationReport
        {
            PlanId = plan.PlanId,
            Strategy = plan.Strategy.ToString().ToLowerInvariant(),
            Status = state.Completed ? "completed" : state.Aborted ? "aborted" : state.LastFailure is not null ? "failed" : "in progress",
            StartedAt = state.StartedAt,
            EndedAt = records.Count > 0 ? records[^1].At : null,
            Timeline = timeline,
            Election = election,
            Checks = checks,
            LeftSource = leftSource,
            HostAddresses = addresses,
            Gaps = gaps,
            CoordinatorDown = state.Processes.Where(p => p.PreviousRecordAt is not null)
                .Select(p => new CoordinatorDowntime(p.PreviousRecordAt!.Value, p.StartedAt, p.Mode)).ToList(),
            Workload = workload,
            CopiedData = copied.Count > 0 ? new CopiedData(copied, pruned) : null,
            Copy = CopyBlockReport.From(plan, state),
            Hosts = HostModeBand.From(modes),
            Failure = state.Completed ? null : state.LastFailure,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Options);

    /// <summary>A readable summary for the terminal and the report file.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"Migration {PlanId} ({Strategy}): {Status.ToUpperInvariant()}");
        if (TotalSeconds is { } total)
        {
            text.Append(inv, $" in {total:0.0} s");
        }

        text.Append('\n');
        if (Failure is not null)
        {
            text.Append(inv, $"  failure: {Failure}\n");
        }

        text.Append("\nTimeline\n");
        foreach (var step in Timeline)
        {
            text.Append(inv, $"  {step.Step,-22} {step.Outcome,-11} {(step.Seconds is { } s ? $"{s,7:0.00} s" : "        ")}{(step.Attempts > 1 ? $"  ({step.Attempts} attempts)" : "")}\n");
        }

        if (Election is { } e)
        {
            text.Append("\nDestination election\n");
            text.Append(inv, $"  zxids on disk: {string.Join(", ", e.Zxids.OrderBy(z => z.Key, StringComparer.Ordinal).Select(z => $"{z.Key}={Zxid.Format(z.Value)}"))}\n");
            text.Append(inv, $"  first wave {string.Join(", ", e.FirstWave)} by barrier (skew {e.SkewMilliseconds:0.0} ms; highest zxid {Zxid.Format(e.HighestZxid)}), then {(e.SecondWave.Count == 0 ? "no second wave" : string.Join(", ", e.SecondWave))}\n");
            text.Append(inv, $"  leader {e.Leader} at {Zxid.Format(e.LeaderZxid)}; elected {(e.ElectedAt - e.StartedAt).TotalSeconds:0.00} s after the start, every node following after {(e.CompletedAt - e.StartedAt).TotalSeconds:0.00} s; nothing truncated\n");
        }

        if (LeftSource.Count > 0)
        {
            text.Append("\nTenant hosts on the destination (owner session of each registration)\n");
            foreach (var evidence in LeftSource)
            {
                text.Append(inv, $"  {evidence.Tenant}: {evidence.Describe()}\n");
            }
        }

        if (HostAddresses.Count > 0)
        {
            text.Append("\nHost addresses used at the cut\n");
            foreach (var (host, list) in HostAddresses.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                text.Append(inv, $"  {host} → {(list.Count == 0 ? "(none)" : string.Join(", ", list))}\n");
            }
        }

        Copy?.AppendText(text);
        text.Append("\nAvailability\n");
        text.Append(inv, $"  destination window (longest gap): {DestinationWindowMs:0} ms\n");
        text.Append(inv, $"  source longest gap: {SourceLongestGapMs:0} ms\n");
        foreach (var gap in Gaps)
        {
            text.Append(inv, $"  gap {gap.Cluster}: {gap.Start:HH:mm:ss.fff} → {gap.End:HH:mm:ss.fff} ({gap.Milliseconds:0} ms)\n");
        }

        if (CoordinatorDown.Count > 0)
        {
            text.Append(inv, $"  the run was interrupted {CoordinatorDown.Count} time(s); gaps while the coordinator was down were not measured:\n");
            foreach (var down in CoordinatorDown)
            {
                text.Append(inv, $"  coordinator down: {down.From:HH:mm:ss.fff} → {down.To:HH:mm:ss.fff} ({down.Seconds:0.0} s, unmeasured), then {down.ResumedAs}\n");
            }
        }

        if (Workload is { } w)
        {
            text.Append("\nWorkload (stress)\n");
            text.Append(inv, $"  acknowledged writes {w.AcknowledgedWrites}, missing on destination {w.MissingOnDestination}, session expiries {w.Expiries}, longest gap {w.LongestGapMs} ms\n");
        }

        if (CopiedData is { } copiedData)
        {
            text.Append("\nOther tenants' data on the destination\n");
            text.Append(copiedData.PrunedAt is { } prunedAt
                ? $"  pruned at {prunedAt.ToString("yyyy-MM-dd HH:mm:ss", inv)}: {string.Join(", ", copiedData.Roots)}\n"
                : $"  the join copied other tenants' data to the destination; it stays there until pruned (zkmitosis migrate prune-destination {PlanId}): {string.Join(", ", copiedData.Roots)}\n");
        }

        if (Checks.Count > 0)
        {
            text.Append("\nChecks\n");
            foreach (var check in Checks)
            {
                text.Append(inv, $"  {(check.Passed ? "PASS" : "FAIL")} {check.Name}: {check.Detail}\n");
            }
        }

        return text.ToString();
    }
}

internal static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
