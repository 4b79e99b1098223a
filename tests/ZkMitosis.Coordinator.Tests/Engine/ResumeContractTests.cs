using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>Resume, abort and a second coordinator, decided from the record of effects (docs/resume.md).</summary>
public sealed class ResumeContractTests
{
    private static bool IsDestinationStop(EngineHarness harness, string acted) =>
        acted.StartsWith("stop ", StringComparison.Ordinal) && harness.Plan.Destination.Any(d => acted.EndsWith(" " + d.Host, StringComparison.Ordinal));

    [Fact]
    public async Task Resume_KilledAfterTheFirstWaveElectedASafeLeader_GoesOnToTheSecondWaveWithoutStoppingAnyNodeAgain()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        // The third arm of the election is the second wave's: the coordinator dies once the first wave leads.
        harness.World.FailAtCall["arm"] = 3;
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        var leader = harness.World.DestinationLeader;
        Assert.NotNull(leader);
        var stopsBefore = harness.World.Acted.Count(a => IsDestinationStop(harness, a));
        Assert.Equal(harness.Plan.Destination.Count, stopsBefore);

        await harness.ResumeAsync();

        Assert.True(harness.State.Completed);
        Assert.Equal(stopsBefore, harness.World.Acted.Count(a => IsDestinationStop(harness, a)));
        Assert.Equal(leader, harness.World.DestinationLeader);
        Assert.Equal(0, harness.State.Generation("elect", ElectDestinationStep.RoundKey));
        // Each destination node started once by the election: the first wave is not started again.
        Assert.Equal(harness.Plan.Destination.Count, harness.World.Acted.Count(a => a.StartsWith("fire ", StringComparison.Ordinal)));
        Assert.Empty(harness.World.Truncated);
    }

    [Fact]
    public async Task Report_InterruptedRun_SaysWhenTheCoordinatorWasDownAndKeepsEveryRunsGaps()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.FailAtCall["arm"] = 3;
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        await Task.Delay(TimeSpan.FromMilliseconds(30));
        await harness.ResumeAsync();

        var report = MigrationReport.Build(harness.Plan, FileJournal.ReadAll(harness.JournalPath));

        var down = Assert.Single(report.CoordinatorDown);
        Assert.Equal("resume", down.ResumedAs);
        Assert.True(down.Seconds >= 0.03, $"down {down.Seconds} s");
        Assert.Contains("coordinator down:", report.ToText(), StringComparison.Ordinal);
        Assert.Contains("unmeasured", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Abort_KilledBetweenABrokersRestoredWriteAndItsRestart_RunAgainRestartsItBeforeEmptyingTheDestination()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        await Assert.ThrowsAsync<NotConfirmedException>(() => harness.RunAsync(confirm: false));
        var broker = harness.World.Brokers[1];
        Assert.Equal(harness.Plan.DestinationConnect, broker.LoadedConnect);
        // The abort dies after broker 1's file names the source again, before its restart.
        harness.World.FailOnce.Add("restart");
        await Assert.ThrowsAnyAsync<Exception>(() => harness.AbortAsync());
        Assert.Equal(harness.Plan.SourceConnect, broker.Connect);
        Assert.Equal(harness.Plan.DestinationConnect, broker.LoadedConnect);

        await harness.AbortAsync();

        Assert.True(harness.State.Aborted);
        Assert.Empty(harness.World.Violations);
        Assert.All(harness.World.Brokers.Values, b => Assert.Equal(harness.Plan.SourceConnect, b.LoadedConnect));
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n => Assert.True(n.DataEmpty && !n.Running));
        Assert.Empty(harness.World.Leases);
    }

    [Fact]
    public async Task Run_SecondOperatorWithItsOwnStateDir_RefusedByTheLeasesAndChangesNothing()
    {
        using var first = new EngineHarness(SamplePlans.Valid);
        // Both start at once: the first has taken its leases and not changed anything yet when the second starts.
        first.World.FailOnce.Add("write-config");
        await Assert.ThrowsAnyAsync<Exception>(() => first.RunAsync());
        Assert.True(first.State.IsCompleted("lease"));
        var holders = first.World.Leases.Values.Select(l => l.Holder).Distinct().ToList();
        var firstHolder = Assert.Single(holders);
        var acted = first.World.Acted.Count;
        using var second = new EngineHarness(SamplePlans.Valid, first.World);

        var error = await Assert.ThrowsAsync<StepFailedException>(() => second.RunAsync());

        Assert.Equal("lease", error.Step);
        Assert.Contains("held by", error.Message, StringComparison.Ordinal);
        Assert.Equal(acted, first.World.Acted.Count);
        Assert.Empty(first.World.Fenced);
        Assert.All(first.World.Leases.Values, l => Assert.Equal(firstHolder, l.Holder));
        Assert.Equal(first.Plan.AgentAddresses.Distinct().Count(), first.World.Leases.Count);

        // The first operator resumes (same run identity) and finishes; its release works after the resume.
        await first.ResumeAsync();

        Assert.True(first.State.Completed);
        Assert.Empty(first.World.Leases);
    }

    [Fact]
    public async Task Resume_AfterAKillMidRun_RunsUnderTheSameIdentityAndReleasesEveryLease()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.FailOnce.Add("isolate");
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        var runId = harness.State.RunId;

        await harness.ResumeAsync();

        Assert.True(harness.State.Completed);
        Assert.Equal(runId, harness.State.RunId);
        Assert.Empty(harness.World.Leases);
        Assert.Empty(harness.World.Fenced);
        Assert.Contains(harness.World.Calls, c => c.EndsWith("take-over", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.World.Calls.Take(harness.World.Calls.FindIndex(c => c.StartsWith("isolate", StringComparison.Ordinal))), c => c.EndsWith("take-over", StringComparison.Ordinal));
    }
}
