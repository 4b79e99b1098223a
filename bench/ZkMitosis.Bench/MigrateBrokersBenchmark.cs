using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Switch;
using ZkMitosis.Lab;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Bench;

/// <summary>
/// <c>./zkm bench migrate --brokers N [--racks 3] [--subnet …] [--prefix …]</c>: the Kafka switch one broker at a time
/// against batches by rack, in the same run and the same lab. First a migration whose switch goes one broker at a
/// time, stopped at the point of no return and aborted (every broker back on the source, the destination emptied);
/// then, on that lab, a whole migration whose switch goes by rack. Kafka's partition state is polled through both
/// switches (offline and under-min-ISR partitions, none allowed); the stand-ins' acknowledged writes are looked up on
/// the destination at the end. Target: the switch by rack takes at most a third of the one at a time (3 racks).
/// </summary>
internal static class MigrateBrokersBenchmark
{
    private const int MinInsyncReplicas = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var brokers = Int(args, "--brokers", 30);
        var racks = Int(args, "--racks", 3);
        var subnet = Arg(args, "--subnet") ?? "10.251.0.0/24";
        var prefix = Arg(args, "--prefix") ?? "zkm-bench-";
        if (brokers < racks * 2 || brokers > LabSpec.MaxBrokers || racks < 2)
        {
            await Console.Error.WriteLineAsync($"migrate --brokers: {brokers} brokers on {racks} racks: give 2–{LabSpec.MaxBrokers / 2} racks and at least two brokers per rack, at most {LabSpec.MaxBrokers} brokers");
            return 2;
        }

        var up = Stopwatch.StartNew();
        await using var bench = await BenchLab.UpAsync("brokers", subnet, prefix, spec => spec with
        {
            Brokers = brokers,
            Racks = racks,
            // One partition per broker (3 topics), replication 3 on consecutive brokers, so on three racks.
            PartitionsPerTopic = PartitionsPerTopic(brokers),
        });
        var lab = bench.Lab;
        var labUp = up.Elapsed;
        var brokerHosts = lab.Hosts.Where(h => h.Role == LabHostRole.Broker).ToList();
        var footprintUp = StandInFootprint.Summarize(brokerHosts.Select(StandInFootprint.Measure).OfType<StandInFootprint>().ToList());
        Console.WriteLine($"lab up in {labUp.TotalSeconds:0.0} s; {footprintUp}");
        var labPlan = File.ReadAllText(lab.PlanPath!);

        var oneAtATime = await SwitchAsync(labPlan, "bench-one-at-a-time", "", bench.Directory, complete: false);
        Console.WriteLine($"one at a time: switch {oneAtATime.Switch.TotalSeconds:0.0} s; aborting (every broker back on the source)");
        var abortOptions = new MigrationRunOptions { StateRoot = bench.StateRoot, Confirmation = new FixedConfirmation(false) };
        await MigrationRunner.AbortAsync(oneAtATime.PlanId, abortOptions, CancellationToken.None);

        var byRack = await SwitchAsync(labPlan, "bench-by-rack", $"switch:\n  batch: rack\n  minInsyncReplicas: {MinInsyncReplicas}\n", bench.Directory, complete: true);
        var footprint = StandInFootprint.Summarize(brokerHosts.Select(StandInFootprint.Measure).OfType<StandInFootprint>().ToList());
        var lost = await LostWritesAsync(brokerHosts, byRack.DestinationConnect);
        Console.WriteLine($"by rack: switch {byRack.Switch.TotalSeconds:0.0} s in {byRack.Batches} batches; {footprint}; acknowledged writes missing on the destination: {lost}");

        var ratio = byRack.Switch / oneAtATime.Switch;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Lab: 3 source, 3 destination, {brokers} Kafka broker stand-ins on {racks} racks (`broker.rack`, rack-aware replicas, factor 3), ")
            .Append(CultureInfo.InvariantCulture, $"3 topics × {PartitionsPerTopic(brokers)} partitions, min.insync.replicas {MinInsyncReplicas}, another tenant; lab up in {labUp.TotalSeconds:0} s. ")
            .Append("Same run, same lab: the one-at-a-time migration stops at the point of no return and is aborted (every broker back on the source, ")
            .Append("the destination emptied), then the migration by rack runs whole. Kafka's partition state is polled every 100 ms through both switches.\n\n")
            .Append("| switch | batches | switch duration | per broker | polls | offline partitions seen | under min ISR seen | most brokers down |\n")
            .Append("|---|---|---|---|---|---|---|---|\n")
            .Append(Row("one at a time", oneAtATime, brokers))
            .Append(Row("by rack", byRack, brokers))
            .Append(CultureInfo.InvariantCulture, $"\nBy rack / one at a time: **{ratio:0.00}** (target ≤ 0.33 with 3 racks: {(ratio <= 1.0 / 3 ? "met ✅" : "missed")}). ")
            .Append(CultureInfo.InvariantCulture, $"The migration by rack: {byRack.Status}, {byRack.ChecksPassed} of {byRack.Checks} checks passed, ")
            .Append(CultureInfo.InvariantCulture, $"{lost} acknowledged stand-in writes missing on the destination, total {byRack.Total.TotalSeconds:0.0} s.\n\n")
            .Append("Stand-ins after lab up: ").Append(footprintUp).Append(".\n")
            .Append("Stand-ins after the switch by rack (their last start is that switch's restart, ten at once on the lab's cores): ").Append(footprint).Append(".\n")
            .Append("RSS counts the runtime's files, which every stand-in shares; private is what each adds. ")
            .Append(CultureInfo.InvariantCulture, $"Agents: {AgentForm()}.\n");
        BenchmarkReport.WriteSection("migrate-brokers", $"Kafka switch by rack (`./zkm bench migrate --brokers {brokers}`)", text.ToString());
        Console.WriteLine(text);
        return byRack.Status == "completed" && byRack.Offline + byRack.UnderMinIsr + oneAtATime.Offline + oneAtATime.UnderMinIsr == 0 && lost == 0 ? 0 : 1;
    }

    private sealed record SwitchRun(string PlanId, TimeSpan Switch, TimeSpan Total, int Batches, int Polls, int Offline, int UnderMinIsr, int MostDown, string Status, int Checks, int ChecksPassed, string DestinationConnect);

    /// <summary>
    /// One migration of the lab's plan under <paramref name="planId"/> with <paramref name="switchSection"/>, the partition
    /// state watched from the first switch step until the last one ends. Without <paramref name="complete"/> the point of
    /// no return is refused, so the run stops there (and can be aborted).
    /// </summary>
    private static async Task<SwitchRun> SwitchAsync(string labPlan, string planId, string switchSection, string directory, bool complete)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(labPlan, "(?m)^planId: .*$", "planId: " + planId) + switchSection;
        var plan = PlanLoader.Load(text);
        using var stop = new CancellationTokenSource();
        var switchSteps = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? first = null;
        DateTimeOffset? last = null;
        var batches = 0;
        var lastSwitchStep = switchSection.Length == 0 ? SwitchHostStep(plan.Brokers[^1].Id) : "switch-brokers";
        using var events = new EventLog(Path.Combine(directory, planId + "-events.log"));
        var recorder = new SwitchEvents(events, e =>
        {
            if (e.Step is { } step && step.StartsWith("switch-broker", StringComparison.Ordinal))
            {
                if (e.Kind == MigrationEventKind.StepStarted)
                {
                    first ??= e.At;
                    switchSteps.Add(step);
                }
                else if (e.Kind == MigrationEventKind.Info && e.Message.StartsWith("batch ", StringComparison.Ordinal) && e.Message.Contains(": safe with all of it down", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref batches);
                }
                else if (e.Kind is MigrationEventKind.StepCompleted or MigrationEventKind.StepFailed && step == lastSwitchStep)
                {
                    last = e.At;
                    stop.Cancel();
                }
            }
        });
        var watch = new PartitionStateWatch(plan.SourceConnect, plan.Brokers.Select(b => b.Id).ToList(), MinInsyncReplicas, TimeSpan.FromMilliseconds(100)).RunAsync(stop.Token);
        var options = new MigrationRunOptions { StateRoot = Path.Combine(directory, "state"), Confirmation = new FixedConfirmation(complete), Events = recorder };
        var clock = Stopwatch.StartNew();
        Coordinator.Reporting.MigrationReport report;
        try
        {
            report = await MigrationRunner.RunAsync(text, options, CancellationToken.None);
        }
        catch (MigrationFailedException e) when (!complete && e.InnerException is NotConfirmedException)
        {
            report = e.Report;
        }

        var total = clock.Elapsed;
        await stop.CancelAsync();
        var seen = await watch;
        if (first is null || last is null)
        {
            throw new InvalidOperationException($"{planId}: the switch did not run ({report.Status})");
        }

        foreach (var line in seen.Offline.Concat(seen.UnderMinIsr).Take(10))
        {
            Console.WriteLine($"{planId}: seen {line}");
        }

        return new SwitchRun(planId, last.Value - first.Value, total, switchSection.Length == 0 ? switchSteps.Count : batches, seen.Polls, seen.Offline.Count, seen.UnderMinIsr.Count,
            seen.MostBrokersDown, report.Status, report.Checks.Count, report.Checks.Count(c => c.Passed), plan.DestinationConnect);
    }

    /// <summary>Which agent the lab ran: <c>./zkm bench</c> exports the Native AOT one the packages ship.</summary>
    private static string AgentForm() =>
        Environment.GetEnvironmentVariable("ZKM_AGENT_DLL") is { Length: > 0 } agent && !agent.EndsWith(".dll", StringComparison.Ordinal)
            ? "Native AOT (" + Path.GetFileName(agent) + ")"
            : "the framework-dependent dll (JIT)";

    private static string SwitchHostStep(int brokerId) => "switch-broker-" + brokerId.ToString(CultureInfo.InvariantCulture);

    private static string Row(string name, SwitchRun run, int brokers) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {run.Batches} | {run.Switch.TotalSeconds:0.0} s | {run.Switch.TotalSeconds / brokers:0.00} s | {run.Polls} | {run.Offline} | {run.UnderMinIsr} | {run.MostDown} |\n");

    /// <summary>Acknowledged serial writes of every stand-in that the destination does not hold.</summary>
    private static async Task<long> LostWritesAsync(IEnumerable<LabHost> brokers, string destinationConnect)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(destinationConnect);
        long missing = 0;
        foreach (var broker in brokers)
        {
            var state = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(broker.Layout.StandInState)).RootElement;
            var prefix = state.GetProperty("writePathPrefix").GetString()!;
            var lastSerial = state.GetProperty("lastAcknowledgedSerial").GetInt64();
            for (long start = 1; start <= lastSerial; start += 500)
            {
                var stats = await Task.WhenAll(Enumerable.Range(0, (int)Math.Min(500, lastSerial - start + 1))
                    .Select(i => client.ExistsAsync(prefix + (start + i).ToString("D10", CultureInfo.InvariantCulture))));
                missing += stats.Count(s => s is null);
            }
        }

        return missing;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Arg(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>Logs every event to the run's event log and hands it to <paramref name="onEvent"/>.</summary>
    private sealed class SwitchEvents(EventLog log, Action<MigrationEvent> onEvent) : IMigrationEvents
    {
        public void Publish(MigrationEvent migrationEvent)
        {
            log.Publish(migrationEvent);
            onEvent(migrationEvent);
        }
    }

    /// <summary>One partition per broker over the lab's 3 topics.</summary>
    private static int PartitionsPerTopic(int brokers) => Math.Max(1, brokers / 3);
}
