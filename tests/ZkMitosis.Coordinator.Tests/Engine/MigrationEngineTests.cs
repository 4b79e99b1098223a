using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

public sealed class MigrationEngineTests
{
    [Fact]
    public void StepList_Observer_OrderOfTheDesign()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);

        var ids = StepList.Compile(harness.Plan).Select(s => s.Id).ToList();

        Assert.Equal(["preflight", "lease", "baseline", "join", "switch-broker-1", "switch-broker-2", "switch-broker-3", "point-of-no-return", "cut", "elect", "heal", "verify", "finish"], ids);
        Assert.Single(StepList.Compile(harness.Plan), s => s.PointOfNoReturn);
        Assert.All(StepList.Compile(harness.Plan), s => Assert.NotEmpty(s.ChecksAfter));
    }

    [Fact]
    public void StepList_Participant_RestartsTheSourceBeforeHealing()
    {
        using var harness = new EngineHarness(SamplePlans.Participant());

        var ids = StepList.Compile(harness.Plan).Select(s => s.Id).ToList();

        Assert.True(ids.IndexOf("restart-source") > ids.IndexOf("elect"));
        Assert.True(ids.IndexOf("restart-source") < ids.IndexOf("heal"));
    }

    [Fact]
    public async Task RunAsync_ObserverPlan_CompletesWithASafeLeaderAndNoRuleLeft()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);

        await harness.RunAsync();

        var state = harness.State;
        Assert.True(state.Completed);
        Assert.Empty(harness.World.Truncated);
        Assert.All(harness.World.Brokers.Values, b => Assert.Equal(harness.Plan.DestinationConnect, b.Connect));
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n => Assert.False(n.Isolated));
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n => Assert.Null(n.Lease));
        Assert.Contains(harness.Events, e => e.Kind == MigrationEventKind.StepCompleted && e.Step == "verify");
    }

    [Fact]
    public async Task RunAsync_DestinationStoppedAtDifferentZxids_HighestStartsWithOneOtherAndLeads()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        var world = harness.World;
        // Stop after the cut; give node 5 the most transactions, so a naive start of 4 and 6 would truncate it.
        world.FailOnce.Add("stop");
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        world.Nodes[4].DiskZxid = 0x100000200;
        world.Nodes[5].DiskZxid = 0x100000260;
        world.Nodes[6].DiskZxid = 0x100000230;
        foreach (var n in world.Nodes.Values.Where(n => !n.IsSource))
        {
            n.Running = false;
        }

        var before = world.Calls.Count;
        await harness.RunAsync();

        Assert.Equal(5, world.DestinationLeader);
        Assert.Empty(world.Truncated);
        // Node 5 (highest) and 6 (next) elect together; node 4 starts only after, so 4 and 6 never form a quorum alone.
        var starts = world.Calls.Skip(before).Where(c => c.StartsWith("fire ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, starts.Count);
        Assert.Equal(["fire 10.250.7.15", "fire 10.250.7.16"], starts.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal("fire 10.250.7.14", starts[2]);
        var election = JournalState.From(FileJournal.ReadAll(harness.JournalPath)).Observation("elect", "election");
        Assert.Equal(5, election!["leader"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_SlowSourceChrootRead_SecondWaveStartsWithoutWaitingForIt()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        var world = harness.World;
        var secondWaveDuringRead = false;
        // The source's chroot read after the first wave leads (two fires so far) is held until the second wave's node
        // started: read first, a 100,000-znode chroot held the last destination node back 16 s in the lab.
        world.OnSnapshot = async servers =>
        {
            if (servers.All(s => s.Id <= harness.Plan.Source.Count) && world.CallCount("fire ") == 2)
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                while (world.CallCount("fire ") < 3 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(10);
                }

                secondWaveDuringRead = world.CallCount("fire ") == 3;
            }
        };

        await harness.RunAsync();

        Assert.True(harness.State.Completed);
        Assert.True(secondWaveDuringRead, "the second wave waited for the source's chroot read");
        var election = JournalState.From(FileJournal.ReadAll(harness.JournalPath)).Observation("elect", "election");
        Assert.Equal(3, election!["fired"]!.AsObject().Count);
    }

    [Fact]
    public async Task RunAsync_CrashInTheMiddleOfTheSplit_ResumeRepeatsTheSameEffectIdsAndNothingTwice()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.FailOnce.Add("fire");

        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        Assert.Equal("elect", harness.State.InProgressStep);
        var firedBefore = harness.World.OperationIds.Where(id => id.Contains("/elect/fire-wave1", StringComparison.Ordinal)).ToList();

        await harness.ResumeAsync();

        Assert.True(harness.State.Completed);
        Assert.Equal(2, harness.State.Attempts("elect"));
        Assert.Equal(1, harness.State.Attempts("cut"));
        // Operation ids name effects, never attempts: the resumed step fires the same ids, and stops nobody twice.
        Assert.DoesNotContain(harness.World.OperationIds, id => id.Contains("/elect/1/", StringComparison.Ordinal) || id.Contains("/elect/2/", StringComparison.Ordinal));
        var firedAfter = harness.World.OperationIds.Where(o => o.Contains("/elect/fire-wave1", StringComparison.Ordinal)).Skip(firedBefore.Count).ToList();
        var failed = Assert.Single(firedAfter);
        Assert.Contains(failed, firedBefore);
        Assert.Equal(harness.Plan.Destination.Count, harness.World.Acted.Count(a => a.StartsWith("stop ", StringComparison.Ordinal) && harness.Plan.Destination.Any(d => a.EndsWith(d.Host, StringComparison.Ordinal))));
        Assert.Empty(harness.World.Truncated);
    }

    [Fact]
    public async Task RunAsync_CrashAtEveryStep_EachResumeCompletesTheMigration()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        foreach (var call in new[] { "lease", "write-config", "set-connect", "isolate", "stop", "arm", "heal" })
        {
            harness.World.FailOnce.Add(call);
            await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        }

        await harness.RunAsync();

        Assert.True(harness.State.Completed);
        Assert.Empty(harness.World.Truncated);
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n => Assert.False(n.Isolated));
    }

    [Fact]
    public async Task Resume_BrokerLeftStoppedAfterItsConfigWasSwitched_RestartsItAndCompletes()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.AbandonNextRestart.Add(2);

        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        Assert.False(harness.World.Brokers[2].Running);
        Assert.Equal(harness.World.Plan.DestinationConnect, harness.World.Brokers[2].Connect);

        await harness.RunAsync();

        Assert.True(harness.State.Completed);
        Assert.All(harness.World.Brokers.Values, b => Assert.True(b.Running));
        Assert.Equal(1, harness.World.Brokers[2].Restarts);
    }

    [Fact]
    public async Task RunAsync_AlreadyCompleted_DoesNothing()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        await harness.RunAsync();
        var calls = harness.World.Calls.Count;

        await harness.RunAsync();

        Assert.Equal(calls, harness.World.Calls.Count);
    }

    [Fact]
    public async Task RunAsync_NotConfirmed_StopsBeforeTheCut()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);

        await Assert.ThrowsAsync<NotConfirmedException>(() => harness.RunAsync(confirm: false));

        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("isolate", StringComparison.Ordinal));
        Assert.True(harness.State.IsCompleted("switch-broker-3"));
    }

    [Fact]
    public async Task RunAsync_AgentUnreachable_NextStepStopsBeforeActingAndResumeCompletes()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        await Assert.ThrowsAsync<NotConfirmedException>(() => harness.RunAsync(confirm: false));
        harness.World.Unreachable.Add("10.250.7.16:7443");

        var error = await Assert.ThrowsAsync<StepFailedException>(() => harness.RunAsync());

        Assert.Equal("point-of-no-return", error.Step);
        Assert.Contains("10.250.7.16:7443", error.Message, StringComparison.Ordinal);
        Assert.Contains("changed nothing", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("isolate", StringComparison.Ordinal));

        harness.World.Unreachable.Clear();
        await harness.RunAsync();

        Assert.True(harness.State.Completed);
    }

    [Fact]
    public async Task AbortAsync_BeforeThePointOfNoReturn_UndoesTheJoin()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        await Assert.ThrowsAsync<NotConfirmedException>(() => harness.RunAsync(confirm: false));

        await harness.AbortAsync();

        Assert.True(harness.State.Aborted);
        Assert.All(harness.World.Brokers.Values, b => Assert.Equal(harness.Plan.SourceConnect, b.Connect));
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n =>
        {
            Assert.False(n.Running);
            Assert.True(n.DataEmpty);
            Assert.Equal("tickTime=500\ndataDir=/d\n", n.Config);
        });
        await Assert.ThrowsAsync<JournalMismatchException>(() => harness.RunAsync());
    }

    [Fact]
    public async Task AbortAsync_AfterThePointOfNoReturn_Refused()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.FailOnce.Add("isolate");
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.AbortAsync());

        Assert.Contains("point of no return", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DestinationNotEmpty_PreflightRefusesAndChangesNothing()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.Nodes[5].DataEmpty = false;
        harness.World.Nodes[6].Running = true;
        harness.World.Brokers[2].Connect = "elsewhere:2181/kafka";

        var error = await Assert.ThrowsAsync<PreflightFailedException>(() => harness.RunAsync());

        Assert.Contains(error.Problems, p => p.Contains("server 5", StringComparison.Ordinal) && p.Contains("not empty", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("server 6", StringComparison.Ordinal) && p.Contains("running", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("broker 2", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("write-config", StringComparison.Ordinal) || c.StartsWith("lease", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_PlanChangedSinceStart_Refused()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.FailOnce.Add("lease");
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        using var changed = new EngineHarness(SamplePlans.Valid.Replace("poll: 10ms", "poll: 20ms", StringComparison.Ordinal));
        File.Copy(harness.JournalPath, changed.JournalPath);

        await Assert.ThrowsAsync<JournalMismatchException>(() => changed.RunAsync());
    }
}
