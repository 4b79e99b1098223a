using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Plans;

/// <summary>Every plan duration has bounds (docs/plan-format.md) and every id is anchored at the very end.</summary>
public sealed class PlanBoundsTests
{
    public static TheoryData<string, string, string> OutOfBounds => new()
    {
        // field (under timeouts or intervals), value, expected path
        { "agentCall", "999999999h", "timeouts.agentCall" },
        { "agentCall", "11m", "timeouts.agentCall" },
        { "agentCall", "999ms", "timeouts.agentCall" },
        { "serverStart", "31m", "timeouts.serverStart" },
        { "serverStart", "1h", "timeouts.serverStart" },
        { "catchUp", "3h", "timeouts.catchUp" },
        { "brokerRegistration", "61m", "timeouts.brokerRegistration" },
        { "election", "0s", "timeouts.election" },
        { "election", "9999999h", "timeouts.election" },
        { "stopGrace", "9ms", "timeouts.stopGrace" },
        { "poll", "0ms", "intervals.poll" },
        { "poll", "2m", "intervals.poll" },
        { "brokerRestartPause", "11m", "intervals.brokerRestartPause" },
        { "poll", "200ms\n", "intervals.poll" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void Load_DurationOutOfBounds_RefusedNamingTheField(string field, string value, string path)
    {
        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(With(field, value)));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains("must be a duration from", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serverStart", "30m")]
    [InlineData("agentCall", "10m")]
    [InlineData("agentCall", "1s")]
    [InlineData("stopGrace", "10ms")]
    [InlineData("catchUp", "2h")]
    public void Load_DurationAtItsBound_Accepted(string field, string value) =>
        PlanLoader.Load(With(field, value));

    [Fact]
    public void ServerStartBound_IsTheAgentsServiceTimeoutLimit() =>
        Assert.Equal(DurationBounds.AgentServiceTimeoutLimit, DurationBounds.Timeouts["serverStart"].Max);

    [Fact]
    public void Durations_TooLargeForATimeSpan_NotParsedNoOverflow()
    {
        Assert.False(Durations.TryParse("999999999h", out _));
        Assert.True(Durations.TryParse("2562047h", out var largest));
        Assert.Equal(TimeSpan.FromHours(2562047), largest);
    }

    [Fact]
    public void Load_PlanIdWithATrailingNewline_Refused()
    {
        var text = SamplePlans.Valid.Replace("planId: kafka-to-dedicated", "planId: \"kafka-to-dedicated\\n\"", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("planId", problem.Path);
        Assert.DoesNotContain('\n', problem.Message);
        Assert.False(PlanValidator.IsPlanId("kafka-to-dedicated\n"));
        Assert.True(PlanValidator.IsPlanId("kafka-to-dedicated"));
    }

    [Fact]
    public void Load_AgentPortWithATrailingNewline_Refused()
    {
        var text = SamplePlans.Valid.Replace("{ id: 1, agent: 10.250.7.21:7443 }", "{ id: 1, agent: \"10.250.7.21:7443\\n\" }", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));

        Assert.Equal("kafka.brokers[0].agent", Assert.Single(error.Problems).Path);
    }

    /// <summary><see cref="SamplePlans.Valid"/> with <paramref name="field"/> set to <paramref name="value"/> (YAML-quoted).</summary>
    private static string With(string field, string value)
    {
        var quoted = System.Text.Json.JsonSerializer.Serialize(value);
        var lines = SamplePlans.Valid.Split('\n').ToList();
        var index = lines.FindIndex(l => l.TrimStart().StartsWith(field + ":", StringComparison.Ordinal));
        if (index >= 0)
        {
            lines[index] = $"  {field}: {quoted}";
        }
        else
        {
            lines.Insert(lines.IndexOf(field is "poll" or "brokerRestartPause" ? "intervals:" : "timeouts:") + 1, $"  {field}: {quoted}");
        }

        return string.Join('\n', lines);
    }
}
