using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Plans;

/// <summary>The plan's optional <c>switch:</c> section and broker racks (docs/plan-format.md).</summary>
public sealed class SwitchSettingsLoaderTests
{
    private static string WithSwitch(string section) => SamplePlans.Valid.Replace("tls:\n", section + "tls:\n", StringComparison.Ordinal);

    [Fact]
    public void Load_NoSwitchSection_OneBrokerAtATime()
    {
        Assert.Null(PlanLoader.Load(SamplePlans.Valid).Switch);
    }

    [Fact]
    public void Load_ByRack_ReadsEveryFieldAndTheBrokersRacks()
    {
        var text = WithSwitch("switch:\n  batch: rack\n  maxUnavailable: 4\n  minInsyncReplicas: 2\n  brokerRestart: 3m\n")
            .Replace("{ id: 2, agent: 10.250.7.22:7443 }", "{ id: 2, agent: 10.250.7.22:7443, rack: eu-west-1b }", StringComparison.Ordinal);

        var plan = PlanLoader.Load(text);

        Assert.Equal(new SwitchSettings { Batching = SwitchBatching.Rack, MaxUnavailable = 4, DefaultMinInsyncReplicas = 2, BrokerRestart = TimeSpan.FromMinutes(3) }, plan.Switch);
        Assert.Equal([null, "eu-west-1b", null], plan.Brokers.Select(b => b.Rack));
    }

    [Fact]
    public void Load_BySize_DefaultsForTheRest()
    {
        var plan = PlanLoader.Load(WithSwitch("switch:\n  batch: 5\n"));

        Assert.Equal(new SwitchSettings { Batching = SwitchBatching.Size, BatchSize = 5 }, plan.Switch);
        Assert.Equal(1, plan.Switch!.DefaultMinInsyncReplicas);
    }

    [Theory]
    [InlineData("switch:\n  batch: racks\n", "switch.batch: must be rack or a number of brokers from 1 to 100000, not 'racks'")]
    [InlineData("switch:\n  batch: 0\n", "switch.batch: must be rack or a number of brokers from 1 to 100000, not '0'")]
    [InlineData("switch:\n  maxUnavailable: 2\n", "switch.batch: is required")]
    [InlineData("switch:\n  batch: rack\n  maxUnavailable: 0\n", "switch.maxUnavailable: must be a whole number from 1 to 100000, not '0'")]
    [InlineData("switch:\n  batch: rack\n  minInsyncReplicas: -1\n", "switch.minInsyncReplicas: must be a whole number from 1 to 1000, not '-1'")]
    [InlineData("switch:\n  batch: rack\n  brokerRestart: 0s\n", "switch.brokerRestart: must be a duration from 1s to 120m (such as 500ms, 30s or 2m), not '0s'")]
    [InlineData("switch:\n  batch: rack\n  parallel: true\n", "switch.parallel")]
    public void Load_BadSwitchSection_RefusedNamingTheField(string section, string expected)
    {
        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(WithSwitch(section)));

        Assert.Contains(error.Problems, p => p.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_RackWithAControlCharacter_Refused()
    {
        var text = SamplePlans.Valid.Replace("{ id: 2, agent: 10.250.7.22:7443 }", "{ id: 2, agent: 10.250.7.22:7443, rack: \"a\\nb\" }", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));

        Assert.Contains(error.Problems, p => p.Path == "kafka.brokers[1].rack");
    }
}
