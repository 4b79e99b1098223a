using System.Net;
using System.Net.Sockets;
using System.Text;
using Prometheus;
using ZkMitosis.Coordinator.Metrics;
using ZkMitosis.Testing.Prometheus;

namespace ZkMitosis.Coordinator.Tests.Metrics;

/// <summary>The coordinator's metrics endpoint over real sockets.</summary>
public sealed class MetricsListenerTests
{
    private static CollectorRegistry Registry(out Counter counter)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        counter = Prometheus.Metrics.WithCustomRegistry(registry).CreateCounter("zk_test_calls_total", "Calls.", "rpc");
        return registry;
    }

    /// <summary>A raw HTTP/1.1 exchange, so the test controls the Host header and the method.</summary>
    private static async Task<string> ExchangeAsync(IPEndPoint endpoint, string request)
    {
        using var client = new TcpClient(endpoint.AddressFamily);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(endpoint, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    [Fact]
    public async Task Get_AnyHostHeader_PrometheusTextOfTheRegistry()
    {
        var registry = Registry(out var counter);
        counter.WithLabels("Describe").Inc(2);
        await using var listener = MetricsListener.Start(new IPEndPoint(IPAddress.Loopback, 0), registry);

        var response = await ExchangeAsync(listener.Endpoint, "GET /metrics HTTP/1.1\r\nHost: coordinator.example:9464\r\n\r\n");

        var (head, body) = Split(response);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain; version=0.0.4; charset=utf-8", head, StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}", head, StringComparison.Ordinal);
        Assert.Equal(2, PrometheusText.Parse(body).Value("zk_test_calls_total", "rpc", "Describe"));
    }

    [Fact]
    public async Task HttpClient_Ipv6Loopback_Served()
    {
        var registry = Registry(out var counter);
        counter.WithLabels("Probe").Inc();
        await using var listener = MetricsListener.Start(new IPEndPoint(IPAddress.IPv6Loopback, 0), registry);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var text = await http.GetStringAsync(new Uri($"http://[::1]:{listener.Endpoint.Port}/metrics?x=1"));

        Assert.Equal(1, PrometheusText.Parse(text).Value("zk_test_calls_total", "rpc", "Probe"));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", "404 Not Found")]
    [InlineData("GET /metricsx HTTP/1.1\r\n\r\n", "404 Not Found")]
    [InlineData("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "405 Method Not Allowed")]
    [InlineData("GARBAGE\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /metrics SPDY/3\r\n\r\n", "400 Bad Request")]
    public async Task OtherRequests_RefusedWithStatus(string request, string status)
    {
        await using var listener = MetricsListener.Start(new IPEndPoint(IPAddress.Loopback, 0), Registry(out _));

        var response = await ExchangeAsync(listener.Endpoint, request);

        Assert.StartsWith($"HTTP/1.1 {status}\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_HeadersWithoutBody()
    {
        await using var listener = MetricsListener.Start(new IPEndPoint(IPAddress.Loopback, 0), Registry(out _));

        var (head, body) = Split(await ExchangeAsync(listener.Endpoint, "HEAD /metrics HTTP/1.0\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.Equal("", body);
    }

    [Fact]
    public void PortInUse_OneLineNamingTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var endpoint = (IPEndPoint)taken.LocalEndpoint;

        var error = Assert.Throws<MetricsListenException>(() => MetricsListener.Start(endpoint, Registry(out _)));

        Assert.Contains($"cannot serve metrics on 127.0.0.1:{endpoint.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Disposed_PortFreeAgain()
    {
        var listener = MetricsListener.Start(new IPEndPoint(IPAddress.Loopback, 0), Registry(out _));
        var endpoint = listener.Endpoint;
        await listener.DisposeAsync();

        await using var again = MetricsListener.Start(endpoint, Registry(out _));
        Assert.Equal(endpoint, again.Endpoint);
    }

    private static (string Head, string Body) Split(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (response[..(end + 2)], response[(end + 4)..]);
    }
}
