using ZkMitosis.Testing.Prometheus;

namespace ZkMitosis.Coordinator.Tests.Metrics;

/// <summary>The test support's strict exposition-format parser: what it reads, and each malformation it refuses.</summary>
public sealed class PrometheusTextTests
{
    private const string Valid = """
        # HELP zk_calls_total Calls by \\ and\nline.
        # TYPE zk_calls_total counter
        zk_calls_total{method="a\"b\\c\nd",code="OK"} 3
        zk_calls_total{method="x",code="OK",} 1.5e3 1700000000000
        # TYPE zk_up gauge
        zk_up NaN
        zk_down -Inf
        # HELP zk_call_duration_seconds Latency.
        # TYPE zk_call_duration_seconds histogram
        zk_call_duration_seconds_bucket{rpc="A",le="0.1"} 1
        zk_call_duration_seconds_bucket{rpc="A",le="1"} 2
        zk_call_duration_seconds_bucket{rpc="A",le="+Inf"} 3
        zk_call_duration_seconds_sum{rpc="A"} 2.5
        zk_call_duration_seconds_count{rpc="A"} 3

        """;

    [Fact]
    public void Parse_ValidExposition_FamiliesLabelsEscapesValues()
    {
        var exposition = PrometheusText.Parse(Valid.Replace("\r\n", "\n", StringComparison.Ordinal));

        var calls = exposition.Families["zk_calls_total"];
        Assert.Equal("counter", calls.Type);
        Assert.Equal("Calls by \\ and\nline.", calls.Help);
        Assert.Equal(3, exposition.Value("zk_calls_total", "method", "a\"b\\c\nd"));
        Assert.Equal(1500, exposition.Value("zk_calls_total", "method", "x"));
        Assert.Equal(1700000000000, exposition.Samples("zk_calls_total").Single(s => s.Labels["method"] == "x").TimestampMs);
        Assert.True(double.IsNaN(exposition.Value("zk_up")!.Value));
        Assert.Equal("untyped", exposition.Families["zk_down"].Type);
        Assert.Equal("histogram", exposition.Families["zk_call_duration_seconds"].Type);
        Assert.Equal(5, exposition.Families["zk_call_duration_seconds"].Samples.Count);
        Assert.Equal(3, exposition.Value("zk_call_duration_seconds_count", "rpc", "A"));
    }

    [Theory]
    [InlineData("zk_a 1", "line feed")]
    [InlineData("zk_a{l=\"x\"} 1\nzk_b 1\nzk_a{l=\"y\"} 1\n", "not together")]
    [InlineData("zk_a 1\nzk_a 2\n", "a second sample")]
    [InlineData("zk_a{l=\"x\",l=\"y\"} 1\n", "twice")]
    [InlineData("zk_a{l=\"x\\t\"} 1\n", "not an escape")]
    [InlineData("zk_a{l=x} 1\n", "not quoted")]
    [InlineData("zk_a{l=\"x} 1\n", "not closed")]
    [InlineData("zk_a{__l=\"x\"} 1\n", "not a label name")]
    [InlineData("zk_a{l=\"x\" m=\"y\"} 1\n", "not separated")]
    [InlineData("1zk 1\n", "not a metric name")]
    [InlineData("zk-a 1\n", "not a metric name")]
    [InlineData("zk_a one\n", "not a value")]
    [InlineData("zk_a 0x10\n", "not a value")]
    [InlineData("zk_a 1 1.5\n", "not a timestamp")]
    [InlineData("zk_a 1 2 3\n", "value [timestamp]")]
    [InlineData("zk_a\n", "no value")]
    [InlineData("# TYPE zk_a counter\nzk_a -1\n", "counter zk_a is -1")]
    [InlineData("# TYPE zk_a whatever\n", "not one of")]
    [InlineData("# TYPE zk_a gauge\n# TYPE zk_a gauge\n", "a second time")]
    [InlineData("zk_a 1\n# TYPE zk_a gauge\n", "after its samples")]
    [InlineData("# HELP zk_a x\n# HELP zk_a y\n", "a second HELP")]
    [InlineData("# HELP zk_a bad \\t\n", "not an escape")]
    [InlineData("# TYPE zk_h histogram\nzk_h_bucket{le=\"1\"} 1\nzk_h_sum 1\nzk_h_count 1\n", "not le=\"+Inf\"")]
    [InlineData("# TYPE zk_h histogram\nzk_h_bucket{le=\"+Inf\"} 2\nzk_h_sum 1\nzk_h_count 1\n", "_count 1 is not")]
    [InlineData("# TYPE zk_h histogram\nzk_h_bucket{le=\"+Inf\"} 1\nzk_h_count 1\n", "no _sum")]
    [InlineData("# TYPE zk_h histogram\nzk_h_bucket{le=\"+Inf\"} 1\nzk_h_sum 1\n", "no _count")]
    [InlineData("# TYPE zk_h histogram\nzk_h_bucket{le=\"1\"} 2\nzk_h_bucket{le=\"2\"} 1\nzk_h_bucket{le=\"+Inf\"} 2\nzk_h_sum 1\nzk_h_count 2\n", "fewer than")]
    [InlineData("# TYPE zk_h histogram\nzk_h_bucket{le=\"2\"} 1\nzk_h_bucket{le=\"1\"} 1\nzk_h_bucket{le=\"+Inf\"} 1\nzk_h_sum 1\nzk_h_count 1\n", "follows")]
    [InlineData("# TYPE zk_h histogram\nzk_h 1\n", "without _bucket")]
    [InlineData("# TYPE zk_h histogram\nzk_h_sum{le=\"1\"} 1\n", "'le' belongs")]
    public void Parse_Malformed_RefusedNamingTheProblem(string text, string expected)
    {
        var error = Assert.Throws<PrometheusFormatException>(() => PrometheusText.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
