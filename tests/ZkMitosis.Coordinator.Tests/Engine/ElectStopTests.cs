using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>How the election step stops the destination nodes after the cut.</summary>
public sealed class ElectStopTests
{
    [Fact]
    public async Task Elect_NodesCutOffAndNoLongerServing_StoppedWithSigkillAfterTheGrace()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);

        await harness.RunAsync();

        var stops = harness.World.Calls.Where(c => c.StartsWith("stop ", StringComparison.Ordinal)).ToList();
        Assert.Equal(harness.Plan.Destination.Select(d => $"stop {d.Host} kill-after 300ms").Order(), stops.Order());
        Assert.True(harness.State.Completed);
    }

    [Fact]
    public async Task Elect_NodeStillServingAfterTheCut_StoppedWithItsOwnGraceAndAWarning()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        var stillServing = harness.Plan.Destination[1];
        harness.World.ServesAfterCut.Add(stillServing.Id);

        await harness.RunAsync();

        var stops = harness.World.Calls.Where(c => c.StartsWith("stop ", StringComparison.Ordinal)).ToList();
        Assert.Contains($"stop {stillServing.Host}", stops);
        Assert.Equal(harness.Plan.Destination.Count - 1, stops.Count(s => s.EndsWith("kill-after 300ms", StringComparison.Ordinal)));
        Assert.Contains(harness.Events, e => e.Kind == MigrationEventKind.Warning && e.Message.Contains("still serves after the cut", StringComparison.Ordinal));
        Assert.True(harness.State.Completed);
    }
}
