using System.Net;
using ZkMitosis.Coordinator.Metrics;

namespace ZkMitosis.Coordinator.Tests.Metrics;

public sealed class MetricsListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9464", "127.0.0.1", 9464)]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1)]
    [InlineData("[::1]:65535", "::1", 65535)]
    [InlineData("[::]:9464", "::", 9464)]
    [InlineData(" 10.0.0.5:9464 ", "10.0.0.5", 9464)]
    public void Valid_Endpoint(string text, string address, int port)
    {
        Assert.True(MetricsListenAddress.TryParse(text, out var endpoint, out var problem), problem);

        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endpoint);
    }

    [Theory]
    [InlineData("", "not ADDRESS:PORT")]
    [InlineData("9464", "not ADDRESS:PORT")]
    [InlineData("127.0.0.1", "not ADDRESS:PORT")]
    [InlineData("127.0.0.1:", "not ADDRESS:PORT")]
    [InlineData(":9464", "not ADDRESS:PORT")]
    [InlineData("127.0.0.1:0", "not a port")]
    [InlineData("127.0.0.1:65536", "not a port")]
    [InlineData("127.0.0.1:+80", "not a port")]
    [InlineData("127.0.0.1:http", "not a port")]
    [InlineData("localhost:9464", "host name is not accepted")]
    [InlineData("127.1:9464", "not an IP address")]
    [InlineData("::1:9464", "in brackets")]
    [InlineData("[127.0.0.1]:9464", "not an IPv6 address")]
    [InlineData("[nope]:9464", "not an IPv6 address")]
    public void Invalid_OneLineProblem(string text, string expected)
    {
        Assert.False(MetricsListenAddress.TryParse(text, out var endpoint, out var problem));

        Assert.Null(endpoint);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }
}
