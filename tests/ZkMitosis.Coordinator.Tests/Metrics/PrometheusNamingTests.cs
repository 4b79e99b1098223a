using ZkMitosis.Testing.Prometheus;

namespace ZkMitosis.Coordinator.Tests.Metrics;

/// <summary>The naming rule the metrics tests hold both endpoints to.</summary>
public sealed class PrometheusNamingTests
{
    private static IReadOnlyList<string> ProblemsOf(string type, string name, double value = 1, string labels = "")
    {
        var sampleName = type == "histogram" ? name + "_sum" : name;
        var extra = type == "histogram" ? $"{name}_bucket{{le=\"+Inf\"}} 1\n{name}_count 1\n" : "";
        var text = $"# HELP {name} Something.\n# TYPE {name} {type}\n{extra}{sampleName}{labels} {value}\n";
        return PrometheusNaming.Problems(PrometheusText.Parse(text).Families[name]);
    }

    [Theory]
    [InlineData("counter", "zk_calls_total")]
    [InlineData("counter", "zk_gap_seconds_total")]
    [InlineData("gauge", "zk_step_duration_seconds")]
    [InlineData("gauge", "zk_lease_expiry_timestamp_seconds")]
    [InlineData("gauge", "zk_progress_ratio")]
    [InlineData("gauge", "zk_server_zxid")]
    [InlineData("gauge", "zk_lease_info")]
    [InlineData("histogram", "zk_call_duration_seconds")]
    public void Conventional_NoProblem(string type, string name)
    {
        Assert.Empty(ProblemsOf(type, name));
    }

    [Theory]
    [InlineData("counter", "zk_calls", "ends in _total")]
    [InlineData("gauge", "zk_calls_total", "only a counter")]
    [InlineData("gauge", "zk_gap_ms", "not a base unit")]
    [InlineData("gauge", "zk_gap_milliseconds", "not a base unit")]
    [InlineData("counter", "zk_gap_minutes_total", "not a base unit")]
    [InlineData("gauge", "zk_used_percent", "not a base unit")]
    [InlineData("gauge", "zk_step_duration", "ends in _seconds")]
    [InlineData("gauge", "zk_call_latency", "ends in _seconds")]
    [InlineData("gauge", "zk_seconds_step", "not the name's suffix")]
    [InlineData("gauge", "zk_last_action_timestamp", "ends in _seconds")]
    [InlineData("histogram", "zk_call_things", "measures something with a unit")]
    [InlineData("gauge", "zk_Calls", "snake case")]
    [InlineData("gauge", "zk__calls", "snake case")]
    public void Unconventional_ProblemNamed(string type, string name, string expected)
    {
        Assert.Contains(ProblemsOf(type, name), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void InfoNotOne_Problem()
    {
        Assert.Contains(ProblemsOf("gauge", "zk_lease_info", 2), p => p.Contains("all 1", StringComparison.Ordinal));
    }

    [Fact]
    public void NoHelpOrType_Problems()
    {
        var family = PrometheusText.Parse("zk_a 1\n").Families["zk_a"];

        var problems = PrometheusNaming.Problems(family);

        Assert.Contains(problems, p => p.Contains("no HELP", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no TYPE", StringComparison.Ordinal));
    }

    [Fact]
    public void QuantileOnAGauge_Reserved()
    {
        Assert.Contains(ProblemsOf("gauge", "zk_a", 1, "{quantile=\"0.5\"}"), p => p.Contains("reserved", StringComparison.Ordinal));
    }
}
