using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Switch;

/// <summary>
/// The batched Kafka switch in the in-memory world: 300 brokers on 12 racks (25 each), 600 rack-aware partitions
/// with the brokers' default min.insync.replicas 2, and a topic whose own minimum (3) forbids rack r1 from going
/// down whole. A restarted broker stays unregistered for two reads of Kafka's state, so batches overlap truly.
/// </summary>
public sealed class SwitchBatchesEngineTests
{
    private const int Brokers = 300;
    private const int Racks = 12;

    /// <summary>The brokers of rack r(j+1), in id order: j+1, j+13, … (the plan lists brokers by id, racks interleaved).</summary>
    private static int[] RackMembers(int j) => [.. Enumerable.Range(0, Brokers / Racks).Select(k => j + 1 + (k * Racks))];

    private static string Rack(int id) => "r" + (((id - 1) % Racks) + 1).ToString(CultureInfo.InvariantCulture);

    private static string PlanText(string switchSection = "switch:\n  batch: rack\n  maxUnavailable: 25\n  minInsyncReplicas: 2\n  brokerRestart: 3m\n")
    {
        var brokers = new StringBuilder("kafka:\n  brokers:\n");
        for (var id = 1; id <= Brokers; id++)
        {
            brokers.Append(CultureInfo.InvariantCulture, $"    - {{ id: {id}, agent: 10.251.{id / 200}.{(id % 200) + 1}:7443, rack: {Rack(id)} }}\n");
        }

        var start = SamplePlans.Valid.IndexOf("kafka:", StringComparison.Ordinal);
        var end = SamplePlans.Valid.IndexOf("tls:", StringComparison.Ordinal);
        return SamplePlans.Valid[..start] + brokers + switchSection + SamplePlans.Valid[end..];
    }

    private static EngineHarness World(string? planText = null)
    {
        var harness = new EngineHarness(planText ?? PlanText());
        var world = harness.World;
        world.RestartReads = 2;
        world.DefaultMinInsyncReplicas = 2;
        for (var id = 1; id <= Brokers; id++)
        {
            world.Racks[id] = Rack(id);
        }

        // Rack-aware: each partition's three replicas on three consecutive racks.
        for (var p = 0; p < 600; p++)
        {
            var member = p / Racks % (Brokers / Racks);
            world.Partitions.Add(new FakePartition("events", p, [.. Enumerable.Range(0, 3).Select(r => RackMembers((p + r) % Racks)[member])]));
        }

        // Two of four replicas on rack r1 with min.insync.replicas 3 (topic config): r1 cannot go down whole.
        world.Partitions.Add(new FakePartition("payments", 0, [RackMembers(0)[0], RackMembers(0)[1], RackMembers(1)[0], RackMembers(2)[0]], MinInsyncReplicas: 3));
        world.Partitions.Add(new FakePartition("payments", 1, [RackMembers(0)[0], RackMembers(0)[2], RackMembers(1)[1], RackMembers(2)[1]], MinInsyncReplicas: 3));
        return harness;
    }

    private static List<string> Infos(EngineHarness harness) =>
        harness.Events.Where(e => e.Kind == MigrationEventKind.Info && e.Step == "switch-brokers").Select(e => e.Message).ToList();

    [Fact]
    public void Compile_300BrokersOn12Racks_PrintsTheBatchesAndTheProjection()
    {
        using var harness = new EngineHarness(PlanText());

        var step = Assert.Single(StepList.Compile(harness.Plan), s => s.Id.StartsWith("switch", StringComparison.Ordinal));

        Assert.Equal("switch-brokers", step.Id);
        Assert.Equal(13, step.Actions.Count);
        Assert.Equal($"batch 1 (rack r1): set zookeeper.connect of brokers {string.Join(",", RackMembers(0))} to the destination + chroot, restart them together", step.Actions[0]);
        Assert.StartsWith("batch 12 (rack r12): ", step.Actions[11], StringComparison.Ordinal);
        Assert.Equal("projected 12 batches × 3m00s = 36m00s (one at a time: 300 × 3m00s = 15h00m)", step.Actions[12]);
    }

    [Fact]
    public void Compile_NoSwitchSection_OneStepPerBrokerAsBefore()
    {
        using var harness = new EngineHarness(PlanText(switchSection: ""));

        var ids = StepList.Compile(harness.Plan).Select(s => s.Id).Where(id => id.StartsWith("switch", StringComparison.Ordinal)).ToList();

        Assert.Equal(Enumerable.Range(1, Brokers).Select(id => $"switch-broker-{id}"), ids);
    }

    [Fact]
    public async Task Run_300BrokersOn12Racks_BatchesByRackSplitForTheTopicMinimumNeverBelowMinIsr()
    {
        using var harness = World();

        await harness.RunAsync();

        var world = harness.World;
        Assert.True(harness.State.Completed);
        Assert.All(world.Brokers.Values, b => Assert.Equal(1, b.Restarts));
        Assert.All(world.Brokers.Values, b => Assert.Equal(harness.Plan.DestinationConnect, b.LoadedConnect));
        Assert.Empty(world.UnderMinIsrSeen);
        Assert.Equal(25, world.MostBrokersDownSeen);

        // Rack r1 is split around payments-0 (brokers 1 and 13 together would leave 2 of its 3): 13 batches.
        var infos = Infos(harness);
        var batches = infos.Where(m => m.StartsWith("batch ", StringComparison.Ordinal) && m.Contains(": safe with all of it down", StringComparison.Ordinal)).ToList();
        Assert.Equal(13, batches.Count);
        var r1 = RackMembers(0);
        Assert.Equal($"batch 1/13 (rack r1, brokers {string.Join(",", r1.Except([13, 25]))}): safe with all of it down (rack r1 split into 2 batches: with brokers 1,13 down, payments-0 would keep 2 in-sync replica(s), below min.insync.replicas 3 (topic config))", batches[0]);
        Assert.StartsWith("batch 2/13 (rack r1, brokers 13,25): ", batches[1], StringComparison.Ordinal);
        Assert.StartsWith($"batch 3/13 (rack r2, brokers {string.Join(",", RackMembers(1))}): safe with all of it down", batches[2], StringComparison.Ordinal);
        Assert.StartsWith("batch 13/13 (rack r12, ", batches[12], StringComparison.Ordinal);

        // The order of the checks, for every batch: gate, plan and safety, the restarts, Kafka whole again.
        for (var n = 1; n <= 13; n++)
        {
            var prefix = $"batch {n.ToString(CultureInfo.InvariantCulture)}";
            var gate = infos.FindIndex(m => m == $"{prefix}: gate passed, every broker registered and every partition with a leader and a full ISR");
            var safe = infos.FindIndex(m => m.StartsWith($"{prefix}/13 ", StringComparison.Ordinal) && m.Contains("safe with all of it down", StringComparison.Ordinal));
            var done = infos.FindIndex(m => m.StartsWith($"{prefix}/13 ", StringComparison.Ordinal) && m.Contains(": done in ", StringComparison.Ordinal));
            Assert.True(gate >= 0 && gate < safe && safe < done, $"{prefix}: gate {gate}, safe {safe}, done {done}");
            if (n < 13)
            {
                Assert.True(done < infos.FindIndex(m => m.StartsWith($"batch {(n + 1).ToString(CultureInfo.InvariantCulture)}: gate passed", StringComparison.Ordinal)));
            }
        }

        // Every broker of a batch restarted after its safety check and before its end.
        var all = harness.Events.Select(e => e.Message).ToList();
        var safeOfBatch3 = all.IndexOf(batches[2]);
        var doneOfBatch3 = all.FindIndex(m => m.StartsWith("batch 3/13 ", StringComparison.Ordinal) && m.Contains(": done in ", StringComparison.Ordinal));
        foreach (var id in RackMembers(1))
        {
            var restarted = all.FindIndex(m => m.StartsWith($"broker {id.ToString(CultureInfo.InvariantCulture)} restarted", StringComparison.Ordinal));
            Assert.InRange(restarted, safeOfBatch3 + 1, doneOfBatch3 - 1);
        }

        // Projected again from the first batch as measured, once.
        Assert.Single(infos, m => m.StartsWith("re-projected from batch 1 as measured: 12 batches left, about ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_OldRegistrationsOutliveTheRestart_NextBatchWaitsForTheNewEpochsNeverBelowMinIsr()
    {
        // The first batch's old registrations stand for 2 more reads after the restart (their old sessions not yet
        // expired), then vanish for a read before the brokers register anew; the others are down for 4 reads. Judged
        // back on their old registrations, the first batch (rack r1 but 13 and 25) would vanish while the second
        // (13 and 25) is down: payments-0 (1, 13 and two more, min.insync.replicas 3) would keep 2.
        using var harness = World();
        harness.World.RestartReads = 4;
        foreach (var id in RackMembers(0).Except([13, 25]))
        {
            harness.World.OldSessionLingerReads[id] = 2;
        }

        await harness.RunAsync();

        var world = harness.World;
        Assert.True(harness.State.Completed);
        Assert.Empty(world.UnderMinIsrSeen);
        Assert.Equal(25, world.MostBrokersDownSeen);
        Assert.All(world.Brokers.Values, b => Assert.Equal(1, b.Restarts));
        Assert.All(world.Brokers.Values, b => Assert.Equal(0, b.LingerReads));
        Assert.Contains(harness.Events, e => e.Kind == MigrationEventKind.Info && e.Message.StartsWith("batch 2/13 (rack r1, brokers 13,25): done", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_OneBrokerOldRegistrationNeverGoes_TimesOutNamingTheBrokerAndItsOldEpoch()
    {
        using var harness = World();
        harness.World.OldSessionLingerReads[1] = int.MaxValue;

        var error = await Assert.ThrowsAsync<StepFailedException>(() => harness.RunAsync());

        Assert.Contains("batch 1/13 (rack r1, ", error.Message, StringComparison.Ordinal);
        Assert.Contains("registered again and every partition healthy; last seen: broker(s) 1 (epoch 0x", error.Message, StringComparison.Ordinal);
        Assert.Contains("still registered by the session from before the restart", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Infos(harness), m => m.StartsWith("batch 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_BatchNotApproved_StopsBeforeItThenResumeAsksForEachBatch()
    {
        using var harness = World();
        harness.BatchApproval = new FixedConfirmation(false);

        var error = await Assert.ThrowsAsync<StepFailedException>(() => harness.RunAsync());

        Assert.Contains("batch 1/13 (rack r1, ", error.Message, StringComparison.Ordinal);
        Assert.Contains("not approved: nothing of it was changed", error.Message, StringComparison.Ordinal);
        Assert.All(harness.World.Brokers.Values, b => Assert.Equal(0, b.Restarts));
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("set-connect", StringComparison.Ordinal));

        var approvals = new CountingApproval();
        harness.BatchApproval = approvals;
        await harness.ResumeAsync();

        Assert.True(harness.State.Completed);
        Assert.Equal(13, approvals.Summaries.Count);
        Assert.StartsWith("batch 13/13 (rack r12, ", approvals.Summaries[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_AfterABrokerFailedMidBatch_EveryBrokerRestartedExactlyOnce()
    {
        using var harness = World();
        harness.World.FailAtCall["restart"] = 30;

        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        var restartedBefore = harness.World.Brokers.Values.Count(b => b.Restarts == 1);
        await harness.ResumeAsync();

        Assert.InRange(restartedBefore, 29, 49);
        Assert.True(harness.State.Completed);
        Assert.All(harness.World.Brokers.Values, b => Assert.Equal(1, b.Restarts));
        Assert.Empty(harness.World.UnderMinIsrSeen);
        // The resumed run counts on from the two batches done (batch 3 again) and plans the brokers left, among them
        // the one of rack r2 that failed, alone in its batch.
        var numbers = Infos(harness).Select(m => Regex.Match(m, "^batch ([0-9]+)/13 .*: safe with all of it down")).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([1, 2, 3, .. Enumerable.Range(3, 11)], numbers);
        Assert.Contains(Infos(harness), m => Regex.IsMatch(m, @"^batch [0-9]+/13 \(rack r2, brokers [0-9]+\): safe with all of it down$"));
    }

    [Fact]
    public async Task Abort_AfterTheFirstBatch_PutsExactlyThatBatchBackOnTheSource()
    {
        using var harness = World();
        harness.BatchApproval = new CountingApproval(approve: 1);
        await Assert.ThrowsAsync<StepFailedException>(() => harness.RunAsync());
        var firstBatch = RackMembers(0).Except([13, 25]).ToHashSet();

        await harness.AbortAsync();

        Assert.True(harness.State.Aborted);
        Assert.All(harness.World.Brokers.Values, b => Assert.Equal(harness.Plan.SourceConnect, b.LoadedConnect));
        Assert.All(harness.World.Brokers.Values, b => Assert.Equal(firstBatch.Contains(b.Spec.Id) ? 2 : 0, b.Restarts));
    }

    private sealed class CountingApproval(int approve = int.MaxValue) : IConfirmation
    {
        public List<string> Summaries { get; } = [];

        public Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken)
        {
            Summaries.Add(summary);
            return Task.FromResult(Summaries.Count <= approve);
        }
    }
}
