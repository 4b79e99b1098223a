using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Plans;

/// <summary>Seven-node ensembles (issue 17): a 7 → 7 plan loads, and a whole migration of it runs in the in-memory world.</summary>
public sealed class SevenNodePlanTests
{
    /// <summary>The sample plan with seven source servers (ids 1–7) and seven destination servers (ids 8–14).</summary>
    internal static string SevenToSeven()
    {
        static string Servers(int first) => string.Concat(Enumerable.Range(first, 7).Select(id =>
            $"    - {{ id: {id}, host: 10.250.7.{10 + id}, clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.{10 + id}:7443 }}\n"));
        var lines = SamplePlans.Valid.Split('\n');
        var text = string.Join('\n', lines.Where(l => !l.TrimStart().StartsWith("- { id: ", StringComparison.Ordinal) || l.Contains("agent: 10.250.7.2", StringComparison.Ordinal)));
        // The brokers' agents move out of the way of destination hosts 10.250.7.18–24 first.
        return text
            .Replace("10.250.7.21:7443", "10.250.7.31:7443", StringComparison.Ordinal)
            .Replace("10.250.7.22:7443", "10.250.7.32:7443", StringComparison.Ordinal)
            .Replace("10.250.7.23:7443", "10.250.7.33:7443", StringComparison.Ordinal)
            .Replace("source:\n  servers:\n", "source:\n  servers:\n" + Servers(1), StringComparison.Ordinal)
            .Replace("destination:\n  servers:\n", "destination:\n  servers:\n" + Servers(8), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SevenToSeven_Accepted()
    {
        var plan = PlanLoader.Load(SevenToSeven());

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], plan.Source.Select(s => s.Id));
        Assert.Equal([8, 9, 10, 11, 12, 13, 14], plan.Destination.Select(s => s.Id));
        Assert.Contains(StepList.Compile(plan), s => s.Id == "elect");
    }

    [Fact]
    public async Task RunAsync_SevenToSeven_CompletesWithASafeLeader()
    {
        using var harness = new EngineHarness(SevenToSeven());

        await harness.RunAsync();

        Assert.Empty(harness.World.Truncated);
        Assert.All(harness.Plan.Destination, d => Assert.Contains(harness.World.Nodes[d.Id].Mode, new[] { "leader", "follower" }));
    }
}
