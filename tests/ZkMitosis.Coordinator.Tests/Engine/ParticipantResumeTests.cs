using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>The participant strategy's joint rolling restart, interrupted and resumed.</summary>
public sealed class ParticipantResumeTests
{
    private static readonly string ParticipantPlan = SamplePlans.Valid.Replace("strategy: observer", "strategy: participant\nparticipant:\n  joiners: [4, 5]", StringComparison.Ordinal);

    [Fact]
    public async Task RunAsync_Participant_Completes()
    {
        using var harness = new EngineHarness(ParticipantPlan);

        await harness.RunAsync();

        Assert.True(harness.State.Completed);
        Assert.Empty(harness.World.Truncated);
    }

    [Fact]
    public async Task Resume_SourceServerNotRestartedAfterItsJointConfigWasWritten_RestartsIt()
    {
        using var harness = new EngineHarness(ParticipantPlan);
        // The first restart of the rolling restart (a source follower; the joiners start, they do not restart) fails
        // after its joint zoo.cfg was written: the file matches on resume, but the server still runs the old view.
        harness.World.FailOnce.Add("restart");
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        var interrupted = harness.World.Calls.Last(c => c.StartsWith("restart ", StringComparison.Ordinal));
        var before = harness.World.Calls.Count;

        await harness.RunAsync();

        Assert.True(harness.State.Completed);
        // Restarted again by the resumed join, before Kafka moves (the source step restarts it later in any case).
        var resumedJoin = harness.World.Calls.Skip(before).TakeWhile(c => !c.StartsWith("set-connect ", StringComparison.Ordinal));
        Assert.Contains(interrupted, resumedJoin);
    }
}
