using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>Preflight refuses a source that runs dynamic reconfiguration, before anything changes (issue 17).</summary>
public sealed class DynamicReconfigCheckTests
{
    [Theory]
    [InlineData("reconfigEnabled=true\n", true)]
    [InlineData("reconfigEnabled = TRUE\n", true)]
    [InlineData("reconfigEnabled=false\n", false)]
    [InlineData("# reconfigEnabled=true\n", false)]
    [InlineData("reconfigEnabled=yes\n", false)]
    [InlineData("reconfigEnabled=true\nreconfigEnabled=false\n", false)]
    [InlineData("tickTime=2000\n", false)]
    public void Enabled_ReadsTheKeyAsZooKeeperDoes(string zooCfg, bool enabled) =>
        Assert.Equal(enabled, DynamicReconfigCheck.Enabled("dataDir=/d\n" + zooCfg));

    [Fact]
    public void Refusal_NoServerWithReconfig_None() =>
        Assert.Null(DynamicReconfigCheck.Refusal(MigrationStrategy.Observer, []));

    [Theory]
    [InlineData(MigrationStrategy.Observer)]
    [InlineData(MigrationStrategy.Participant)]
    public void Refusal_AnyStrategyOfThisVersion_OneLineNamingServersAndThatNoneCanYet(MigrationStrategy strategy)
    {
        var refusal = DynamicReconfigCheck.Refusal(strategy, [3, 1]);

        Assert.NotNull(refusal);
        Assert.DoesNotContain('\n', refusal);
        Assert.Contains("source server(s) 1, 3 run with reconfigEnabled=true", refusal, StringComparison.Ordinal);
        Assert.Contains($"the {strategy.ToString().ToLowerInvariant()} strategy cannot", refusal, StringComparison.Ordinal);
        Assert.Contains("no strategy of this version can yet", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SourceWithReconfigEnabled_PreflightRefusesAndChangesNothing()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.Nodes[2].Config = "reconfigEnabled=true\n" + harness.World.Nodes[2].Config;

        var error = await Assert.ThrowsAsync<PreflightFailedException>(() => harness.RunAsync());

        var problem = Assert.Single(error.Problems);
        Assert.Contains("source server(s) 2 run with reconfigEnabled=true", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("write-config", StringComparison.Ordinal) || c.StartsWith("lease", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SourceWithReconfigDisabled_Migrates()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        foreach (var id in new[] { 1, 2, 3 })
        {
            harness.World.Nodes[id].Config = "reconfigEnabled=false\n" + harness.World.Nodes[id].Config;
        }

        await harness.RunAsync();

        Assert.True(harness.State.Completed);
    }
}
