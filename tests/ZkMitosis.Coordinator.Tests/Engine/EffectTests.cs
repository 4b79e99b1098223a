using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>
/// Each branch of <see cref="StepContext.EffectAsync{T}"/> against a fake agent that keeps the contract's record:
/// the effect (a broker restart) happens exactly once, whatever point the coordinator or the agent died at.
/// </summary>
public sealed class EffectTests
{
    private const string Broker = "10.250.7.21:7443";
    private const string Key = "restart";

    private static async Task<bool> RestartAsync(StepContext context, Func<CancellationToken, Task<bool>>? achieved = null, bool needed = true)
    {
        var agent = context.Agent(Broker);
        var outcome = await context.EffectAsync(Key, agent, (operation, ct) => agent.ControlServiceAsync(operation, "restart", ct), CancellationToken.None, needed, achieved);
        return outcome.Happened;
    }

    private static async Task<bool> RestartInNewProcessAsync(EngineHarness harness, Func<CancellationToken, Task<bool>>? achieved = null, int attempt = 2)
    {
        var (context, journal) = harness.Step("test", attempt);
        using (journal)
        {
            return await RestartAsync(context, achieved);
        }
    }

    private static EffectRecord? Journaled(EngineHarness harness) => harness.State.Effect("test", Key);

    [Fact]
    public async Task Effect_NothingKnown_ActsOnceAndJournalsATypedResult()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        var (context, journal) = harness.Step("test");
        using (journal)
        {
            Assert.True(await RestartAsync(context));
        }

        Assert.Equal(1, harness.World.Brokers[1].Restarts);
        var effect = Journaled(harness)!;
        Assert.Equal((EffectRecord.Done, "call", "kafka-to-dedicated/test/restart"), (effect.Outcome, effect.Source, effect.OperationId));
        Assert.True(effect.Result!["running"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Effect_JournaledDone_AsksNobodyAndDoesNothing()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        var (context, journal) = harness.Step("test");
        using (journal)
        {
            await RestartAsync(context);
            var calls = harness.World.Calls.Count;

            Assert.True(await RestartAsync(context));

            Assert.Equal(calls, harness.World.Calls.Count);
        }

        Assert.Equal(1, harness.World.Brokers[1].Restarts);
    }

    [Fact]
    public async Task Effect_AgentDidItButTheAnswerWasLost_JournaledFromTheAgentsRecordWithoutActingAgain()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.LoseAnswerOnce.Add("restart");
        await Assert.ThrowsAsync<AgentCallException>(() => RestartInNewProcessAsync(harness, attempt: 1));
        Assert.Null(Journaled(harness));

        Assert.True(await RestartInNewProcessAsync(harness));

        Assert.Equal(1, harness.World.Brokers[1].Restarts);
        Assert.Equal("agent-record", Journaled(harness)!.Source);
    }

    [Fact]
    public async Task Effect_StillRunningOnTheAgent_WaitsForItAndDoesNotActAgain()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.RunInBackgroundOnce.Add("restart");
        await Assert.ThrowsAsync<AgentCallException>(() => RestartInNewProcessAsync(harness, attempt: 1));
        Assert.Equal(0, harness.World.Brokers[1].Restarts);

        Assert.True(await RestartInNewProcessAsync(harness));

        Assert.Equal(1, harness.World.Brokers[1].Restarts);
        Assert.Equal((EffectRecord.Done, "agent-record"), (Journaled(harness)!.Outcome, Journaled(harness)!.Source));
        Assert.Equal(1, harness.World.Calls.Count(c => c.StartsWith("restart ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Effect_AgentRecordedAFailure_SurfacedThenTheNextAttemptActsUnderTheNextGeneration()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.AbandonNextRestart.Add(1);
        harness.World.LoseAnswerOnce.Add("restart");
        await Assert.ThrowsAsync<AgentCallException>(() => RestartInNewProcessAsync(harness, attempt: 1));

        var error = await Assert.ThrowsAsync<StepFailedException>(() => RestartInNewProcessAsync(harness));

        Assert.Contains("abandoned after the stop", error.Message, StringComparison.Ordinal);
        Assert.Equal((EffectRecord.Failed, "agent-record"), (Journaled(harness)!.Outcome, Journaled(harness)!.Source));

        Assert.True(await RestartInNewProcessAsync(harness, attempt: 3));

        Assert.Equal("kafka-to-dedicated/test/restart/1", Journaled(harness)!.OperationId);
        Assert.Equal(1, harness.State.Generation("test", Key));
        Assert.True(harness.World.Brokers[1].Running);
    }

    [Fact]
    public async Task Effect_InterruptedByAnAgentRestartButAchieved_JournaledFromThePostConditionWithoutActingAgain()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.InterruptAfterActOnce.Add("restart");
        var checkedWorld = 0;

        Assert.True(await RestartInNewProcessAsync(harness, ct =>
        {
            checkedWorld++;
            return Task.FromResult(harness.World.Brokers[1].Running);
        }));

        Assert.Equal(1, checkedWorld);
        Assert.Equal(1, harness.World.Brokers[1].Restarts);
        Assert.Equal("post-condition", Journaled(harness)!.Source);
        Assert.Equal(0, harness.State.Generation("test", Key));
    }

    [Fact]
    public async Task Effect_InterruptedBeforeTheAgentActed_ActsAgainUnderTheNextGeneration()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.InterruptBeforeActOnce.Add("restart");
        await Assert.ThrowsAsync<AgentCallException>(() => RestartInNewProcessAsync(harness, attempt: 1));
        Assert.Equal(0, harness.World.Brokers[1].Restarts);

        Assert.True(await RestartInNewProcessAsync(harness, _ => Task.FromResult(false)));

        Assert.Equal(1, harness.World.Brokers[1].Restarts);
        Assert.Equal("kafka-to-dedicated/test/restart/1", Journaled(harness)!.OperationId);
        Assert.Equal(1, harness.State.Generation("test", Key));
    }

    [Fact]
    public async Task Effect_NotNeededAndNoRecordAnywhere_DoesNothingAndSaysSo()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        var (context, journal) = harness.Step("test");
        using (journal)
        {
            Assert.False(await RestartAsync(context, needed: false));
        }

        Assert.Equal(0, harness.World.Brokers[1].Restarts);
        Assert.Null(Journaled(harness));
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("restart ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Effect_NotNeededButTheAgentDidIt_SaysItHappened()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.LoseAnswerOnce.Add("restart");
        await Assert.ThrowsAsync<AgentCallException>(() => RestartInNewProcessAsync(harness, attempt: 1));
        var (context, journal) = harness.Step("test", 2);
        using (journal)
        {
            // The pre-condition sees nothing to do (as a file already written looks), but the record says we did it.
            Assert.True(await RestartAsync(context, needed: false));
        }

        Assert.Equal(1, harness.World.Brokers[1].Restarts);
    }
}
