using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>
/// An agent that cannot write its state dir cannot record an operation before acting: it is not ready (gRPC health and
/// /readyz) and refuses every mutation with UNAVAILABLE before anything is done. Its checks write no file.
/// </summary>
public sealed class AgentStateDirectoryTests : IAsyncLifetime
{
    private const string Plan = "plan-state";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TestDirectory _directory = new("zkat-state");
    private readonly CountingServiceScript _service;
    private readonly int _monitoringPort = FreePorts.Next();
    private string? _mounted;

    public AgentStateDirectoryTests()
    {
        _service = new CountingServiceScript(Path.Combine(_directory.Path, "service"));
    }

    private string StateDirectory => Path.Combine(_directory.Path, "state");

    private string MyIdPath => Path.Combine(_directory.Path, "data", "myid");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_mounted is not null)
        {
            await RunAsync("umount", "-l", _mounted);
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task StateDirectoryIsAFile_NotReadyAndMutationsRefusedUnavailableNothingDone()
    {
        await File.WriteAllTextAsync(StateDirectory, "not a directory");
        await using var agent = await StartAgentAsync();
        using var channel = agent.Connect(AgentTlsSettings.InsecureLab).Channel;
        var client = new ZkMitosis.Agent.V1.Agent.AgentClient(channel);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Bound);
        var ready = await ReadyzAsync();
        var myId = await Assert.ThrowsAsync<RpcException>(() => client.WriteMyIdAsync(new WriteMyIdRequest { Context = TestLease.Context(Plan), ServerId = 3, ExpectedSha256 = "*" }, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        var start = await Assert.ThrowsAsync<RpcException>(() => client.ControlServiceAsync(new ControlServiceRequest { Context = TestLease.Context(Plan), Action = ServiceAction.Start }, deadline: DateTime.UtcNow + Bound).ResponseAsync);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
        Assert.Equal(503, ready);
        AssertUnavailable(myId);
        AssertUnavailable(start);
        Assert.False(File.Exists(MyIdPath));
        Assert.Equal(0, _service.Starts);
        Assert.Equal("not a directory", await File.ReadAllTextAsync(StateDirectory));
    }

    [Fact]
    public async Task StateDirectoryRemountedReadOnly_NotReadyAndRefusedUntilWritableAgain_ProbesLeaveNoFile()
    {
        Directory.CreateDirectory(StateDirectory);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", StateDirectory);
        _mounted = StateDirectory;
        await using var agent = await StartAgentAsync();
        using var channel = agent.Connect(AgentTlsSettings.InsecureLab).Channel;
        var client = new ZkMitosis.Agent.V1.Agent.AgentClient(channel);
        var health = new Health.HealthClient(channel);
        await TestLease.TakeAsync(client, Plan);
        await client.WriteMyIdAsync(new WriteMyIdRequest { Context = TestLease.Context(Plan), ServerId = 3, ExpectedSha256 = "*" }, deadline: DateTime.UtcNow + Bound);
        var writableReady = await ReadyzAsync();
        var writableMetrics = await Hosting.AgentMetricsTests.ScrapeAsync(_monitoringPort);

        await RunAsync("mount", "-o", "remount,ro", StateDirectory);
        var readOnlyHealth = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Bound);
        var readOnlyReady = await ReadyzAsync();
        var readOnlyMetrics = await Hosting.AgentMetricsTests.ScrapeAsync(_monitoringPort);
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.WriteMyIdAsync(new WriteMyIdRequest { Context = TestLease.Context(Plan), ServerId = 4, ExpectedSha256 = "*" }, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        var start = await Assert.ThrowsAsync<RpcException>(() => client.ControlServiceAsync(new ControlServiceRequest { Context = TestLease.Context(Plan), Action = ServiceAction.Start }, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        var myIdWhileReadOnly = await File.ReadAllTextAsync(MyIdPath);

        await RunAsync("mount", "-o", "remount,rw", StateDirectory);
        for (var i = 0; i < 5; i++)
        {
            await ReadyzAsync();
            await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Bound);
        }

        var writableAgain = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Bound);
        var writableAgainMetrics = await Hosting.AgentMetricsTests.ScrapeAsync(_monitoringPort);

        Assert.Equal(200, writableReady);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, readOnlyHealth.Status);
        Assert.Equal(503, readOnlyReady);
        AssertUnavailable(refused);
        AssertUnavailable(start);
        Assert.Equal("3\n", myIdWhileReadOnly);
        Assert.Equal(0, _service.Starts);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, writableAgain.Status);
        Assert.Equal(1, writableMetrics.Value("zkmitosis_agent_state_directory_writable"));
        Assert.Equal(0, readOnlyMetrics.Value("zkmitosis_agent_state_directory_writable"));
        Assert.Equal(1, writableAgainMetrics.Value("zkmitosis_agent_state_directory_writable"));
        Assert.Equal(1, readOnlyMetrics.Samples("zkmitosis_agent_lease_info").Single(s => s.Labels["plan_id"] == Plan).Value);
        Assert.Equal(["lease.json", "operations"], Directory.EnumerateFileSystemEntries(StateDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(StateDirectory, "operations")));
    }

    private static void AssertUnavailable(RpcException error)
    {
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("STATE_DIR_NOT_WRITABLE", error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    private async Task<AgentProcess> StartAgentAsync()
    {
        var zooCfg = Path.Combine(_directory.Path, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={Path.Combine(_directory.Path, "data")}\nclientPort={FreePorts.Next()}\n");
        return await AgentProcess.StartAsync(AgentProcess.ZooKeeperConfig(_directory.Path, zooCfg, FreePorts.Next(), _monitoringPort, commands: _service.Commands), _directory.Path);
    }

    private async Task<int> ReadyzAsync()
    {
        using var http = new HttpClient { Timeout = Bound };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_monitoringPort}/readyz"));
        return (int)response.StatusCode;
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Bound);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        }
    }
}
