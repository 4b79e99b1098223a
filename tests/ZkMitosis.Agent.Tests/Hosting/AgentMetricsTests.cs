using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using ZkMitosis.Testing.Prometheus;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Hosting;

/// <summary>
/// What an operator alerts on, on a real agent's <c>/metrics</c>: the lease (plan and a digest of the holder, never the
/// holder itself), operations that failed after they were accepted, the state directory. Parsed strictly; names by
/// Prometheus's conventions.
/// </summary>
public sealed class AgentMetricsTests : IAsyncLifetime
{
    private const string Plan = "plan-metrics";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TestDirectory _directory = new("zkat-metrics");
    private readonly int _monitoringPort = FreePorts.Next();
    private AgentProcess? _agent;

    public async Task InitializeAsync()
    {
        var zooCfg = Path.Combine(_directory.Path, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={Path.Combine(_directory.Path, "data")}\nclientPort={FreePorts.Next()}\n");
        _agent = await AgentProcess.StartAsync(AgentProcess.ZooKeeperConfig(_directory.Path, zooCfg, FreePorts.Next(), _monitoringPort), _directory.Path);
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _directory.Dispose();
    }

    /// <summary>Scrapes the agent's /metrics and parses it strictly; every zkmitosis_ family must follow the naming rules.</summary>
    public static async Task<PrometheusExposition> ScrapeAsync(int monitoringPort)
    {
        using var http = new HttpClient { Timeout = Bound };
        var exposition = PrometheusText.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{monitoringPort}/metrics")));
        Assert.Empty(PrometheusNaming.Problems(exposition, "zkmitosis_"));
        return exposition;
    }

    [Fact]
    public async Task LeaseAndFailedOperation_ShownOnMetrics_HolderOnlyAsDigest()
    {
        var (client, channel) = _agent!.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;
        var idle = await ScrapeAsync(_monitoringPort);
        await TestLease.TakeAsync(client, Plan);
        // Accepted, then refused by the file's sha256 check inside the action: an operation that failed.
        await Assert.ThrowsAsync<RpcException>(() => client.WriteMyIdAsync(new WriteMyIdRequest { Context = TestLease.Context(Plan), ServerId = 3, ExpectedSha256 = new string('0', 64) }, deadline: DateTime.UtcNow + Bound).ResponseAsync);

        var leased = await ScrapeAsync(_monitoringPort);
        using var http = new HttpClient { Timeout = Bound };
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{_monitoringPort}/metrics"));
        await TestLease.ReleaseAsync(client, Plan);
        var released = await ScrapeAsync(_monitoringPort);

        Assert.Empty(idle.Samples("zkmitosis_agent_lease_info"));
        Assert.Equal(0, idle.Value("zkmitosis_agent_operation_failures_total", "method", "WriteMyId"));
        Assert.Equal(0, idle.Value("zkmitosis_agent_operations_interrupted"));
        Assert.Equal(1, idle.Value("zkmitosis_agent_state_directory_writable"));
        Assert.Equal(-1, idle.Value("zkmitosis_agent_data_dir_last_zxid"));
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TestLease.Holder)))[..12];
        Assert.Equal(1, leased.Value("zkmitosis_agent_lease_info", "plan_id", Plan, "holder_digest", digest));
        Assert.DoesNotContain(TestLease.Holder, text, StringComparison.Ordinal);
        var expiry = DateTimeOffset.FromUnixTimeMilliseconds((long)(leased.Value("zkmitosis_agent_lease_expiry_timestamp_seconds")!.Value * 1000));
        Assert.InRange(expiry, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        Assert.Equal(1, leased.Value("zkmitosis_agent_operation_failures_total", "method", "WriteMyId"));
        Assert.Equal(0, leased.Value("zkmitosis_agent_operation_failures_total", "method", "ControlService"));
        Assert.Empty(released.Samples("zkmitosis_agent_lease_info"));
        Assert.Equal(0, released.Value("zkmitosis_agent_lease_expiry_timestamp_seconds"));
    }
}
