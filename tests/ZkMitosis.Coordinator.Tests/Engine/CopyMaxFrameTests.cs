using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>Strategy copy reads the destination's jute.maxbuffer once, in preflight, and every later step uses what it journaled.</summary>
public sealed class CopyMaxFrameTests
{
    [Fact]
    public async Task Preflight_Copy_JournalsTheSmallestDestinationJuteMaxBufferAndLaterStepsUseIt()
    {
        using var harness = new EngineHarness(SamplePlans.Valid.Replace("strategy: observer", "strategy: copy", StringComparison.Ordinal));
        var destination = harness.Plan.Destination.Select(d => harness.World.Nodes[d.Id]).ToList();
        destination[0].JuteMaxBuffer = 600_000;
        destination[1].JuteMaxBuffer = 500_000;
        destination[2].JuteMaxBuffer = 0;

        // The fake destination does not serve a tree: preflight refuses, after journaling what it read.
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());
        Assert.Equal(500_000, harness.State.Observation("preflight", CopyTrees.MaxFrameKey)!.GetValue<int>());

        // Later (a resume), the agents answer otherwise: the steps still size their requests by the journaled value.
        foreach (var node in destination)
        {
            node.JuteMaxBuffer = 0;
        }

        var (context, journal) = harness.Step("pre-copy");
        using (journal)
        {
            Assert.Equal(500_000, await CopyTrees.MaxFrameBytesAsync(context, CancellationToken.None));
        }
    }
}
