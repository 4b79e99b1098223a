using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>
/// The mutation kinds <see cref="AgentOperationRecoveryTests"/> cannot run on a plain ZooKeeper host: Kafka's
/// SetKafkaZookeeperConnect, and Isolate/Heal (in a network namespace, so no rule ever reaches this host). Each is
/// accepted while a slow start holds the host, the agent is killed (SIGKILL), and the retry answers "interrupted"
/// without acting; a new generation then acts once.
/// </summary>
public sealed class AgentKilledMidOperationTests : IAsyncLifetime
{
    private const string Plan = "plan-killed";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly Duration ServiceTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(20));

    private readonly TestDirectory _directory = new("zkat-killed");
    private CountingServiceScript? _service;
    private NetworkNamespaces? _namespaces;
    private readonly RestartableAgent _agent;

    public AgentKilledMidOperationTests() => _agent = new RestartableAgent(_directory.Path);

    private ZkMitosis.Agent.V1.Agent.AgentClient Client => _agent.Client;

    private CountingServiceScript Service => _service!;

    public Task InitializeAsync()
    {
        _service = new CountingServiceScript(Path.Combine(_directory.Path, "service"));
        Service.SetDelays(TimeSpan.FromSeconds(2), TimeSpan.Zero);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _agent.StopAsync();
        if (_namespaces is not null)
        {
            await _namespaces.DisposeAsync();
        }

        if (_service is not null)
        {
            await CountingServiceScript.WaitUntilAsync(() => _service.StartsDone == _service.Starts, Bound, "the service scripts' end");
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task SetKafkaZookeeperConnect_AcceptedWhenTheAgentIsKilled_RetryAnswersInterruptedFileUnchanged()
    {
        var properties = Path.Combine(_directory.Path, "server.properties");
        await File.WriteAllTextAsync(properties, "broker.id=1\nzookeeper.connect=src1:2181/kafka\n");
        var monitoringPort = FreePorts.Next();
        var config = AgentProcess.ZooKeeperConfig(_directory.Path, Path.Combine(_directory.Path, "zoo.cfg"), FreePorts.Next(), monitoringPort);
        config["Role"] = "kafka";
        config["Kafka"] = new JsonObject { ["ServerPropertiesPath"] = properties };
        config["Service"]!["KafkaCommands"] = Service.Commands;
        await _agent.StartAsync(config, null);
        await TestLease.TakeAsync(Client, Plan);
        var start = Client.ControlServiceAsync(new ControlServiceRequest { Context = TestLease.Context(Plan, $"{Plan}/start/kafka"), Action = ServiceAction.Start, Timeout = ServiceTimeout }, deadline: DateTime.UtcNow + Bound);
        await CountingServiceScript.WaitUntilAsync(() => Service.Starts == 1, Bound, "the start");
        var connect = new SetKafkaZookeeperConnectRequest { Context = TestLease.Context(Plan, $"{Plan}/switch/kafka"), ZookeeperConnect = "dst1:2181/kafka", ExpectedSha256 = "*" };
        var call = Client.SetKafkaZookeeperConnectAsync(connect, deadline: DateTime.UtcNow + Bound);
        await WaitForRunningAsync(connect.Context.OperationId);

        await KillAndRestartAgentAsync(config, null, start.ResponseAsync, call.ResponseAsync);
        var metrics = await Hosting.AgentMetricsTests.ScrapeAsync(monitoringPort);
        var retry = await Assert.ThrowsAsync<RpcException>(() => Client.SetKafkaZookeeperConnectAsync(connect, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        var unchanged = await File.ReadAllTextAsync(properties);
        connect.Context = TestLease.Context(Plan, $"{Plan}/switch/kafka/2");
        var second = await Client.SetKafkaZookeeperConnectAsync(connect, deadline: DateTime.UtcNow + Bound);

        AssertInterrupted(retry, $"{Plan}/switch/kafka");
        // The start and the switch were both accepted when the agent died; neither failed (their effect is unknown).
        Assert.Equal(2, metrics.Value("zkmitosis_agent_operations_interrupted"));
        Assert.Equal(0, metrics.Value("zkmitosis_agent_operation_failures_total", "method", "SetKafkaZookeeperConnect"));
        Assert.Equal("broker.id=1\nzookeeper.connect=src1:2181/kafka\n", unchanged);
        Assert.Equal(1, Service.Starts);
        Assert.True(second.Changed);
        Assert.Equal("broker.id=1\nzookeeper.connect=dst1:2181/kafka\n", await File.ReadAllTextAsync(properties));
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public async Task IsolateAndHeal_AcceptedWhenTheAgentIsKilled_RetriesAnswerInterruptedNoRuleApplied(string backend)
    {
        _namespaces = await NetworkNamespaces.CreateAsync();
        var zooCfg = Path.Combine(_directory.Path, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={Path.Combine(_directory.Path, "data")}\nclientPort=2181\n");
        var config = AgentProcess.ZooKeeperConfig(_directory.Path, zooCfg, TestPorts.AgentInNamespace, TestPorts.MonitoringInNamespace,
            listenAddress: _namespaces.AddressA.ToString(), firewallBackend: backend, commands: Service.Commands);
        await _agent.StartAsync(config, _namespaces.A);
        await TestLease.TakeAsync(Client, Plan);
        var start = Client.ControlServiceAsync(new ControlServiceRequest { Context = TestLease.Context(Plan, $"{Plan}/start/zk"), Action = ServiceAction.Start, Timeout = ServiceTimeout }, deadline: DateTime.UtcNow + Bound);
        await CountingServiceScript.WaitUntilAsync(() => Service.Starts == 1, Bound, "the start");
        var isolate = new IsolateRequest { Context = TestLease.Context(Plan, $"{Plan}/cut/zk"), Group = "cut", Peers = { _namespaces.AddressB.ToString() } };
        var heal = new HealRequest { Context = TestLease.Context(Plan, $"{Plan}/heal/zk"), Group = "cut" };
        var isolateCall = Client.IsolateAsync(isolate, deadline: DateTime.UtcNow + Bound);
        await WaitForRunningAsync(isolate.Context.OperationId);
        var healCall = Client.HealAsync(heal, deadline: DateTime.UtcNow + Bound);
        await WaitForRunningAsync(heal.Context.OperationId);

        await KillAndRestartAgentAsync(config, _namespaces.A, start.ResponseAsync, isolateCall.ResponseAsync, healCall.ResponseAsync);
        var isolateRetry = await Assert.ThrowsAsync<RpcException>(() => Client.IsolateAsync(isolate, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        var healRetry = await Assert.ThrowsAsync<RpcException>(() => Client.HealAsync(heal, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        var rulesAfterRetries = (await Client.ListFirewallAsync(new ListFirewallRequest(), deadline: DateTime.UtcNow + Bound)).Rules;
        isolate.Context = TestLease.Context(Plan, $"{Plan}/cut/zk/2");
        var cut = await Client.IsolateAsync(isolate, deadline: DateTime.UtcNow + Bound);
        var cutAgain = await Client.IsolateAsync(isolate, deadline: DateTime.UtcNow + Bound);
        heal.Context = TestLease.Context(Plan, $"{Plan}/heal/zk/2");
        var healed = await Client.HealAsync(heal, deadline: DateTime.UtcNow + Bound);

        AssertInterrupted(isolateRetry, $"{Plan}/cut/zk");
        AssertInterrupted(healRetry, $"{Plan}/heal/zk");
        Assert.Empty(rulesAfterRetries);
        Assert.True(cut.Changed);
        Assert.NotEmpty(cut.Rules);
        Assert.True(cutAgain.Operation.Replayed);
        Assert.True(healed.Changed);
        Assert.Empty(healed.Rules);
        Assert.Equal(1, Service.Starts);
    }

    private static void AssertInterrupted(RpcException error, string operationId)
    {
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("OPERATION_INTERRUPTED", info.Reason);
        Assert.Equal(operationId, info.Metadata["operation_id"]);
    }

    private async Task WaitForRunningAsync(string operationId)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            try
            {
                if ((await Client.GetOperationAsync(new GetOperationRequest { OperationId = operationId }, deadline: DateTime.UtcNow + Bound)).Status == OperationStatus.Running)
                {
                    return;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                // Not accepted yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"operation {operationId} was not accepted within {Bound.TotalSeconds} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    private async Task KillAndRestartAgentAsync(JsonObject config, string? networkNamespace, params Task[] inFlight)
    {
        await _agent.StopAsync();
        foreach (var call in inFlight)
        {
            await Assert.ThrowsAnyAsync<RpcException>(() => call);
        }

        await CountingServiceScript.WaitUntilAsync(() => Service.StartsDone == Service.Starts, Bound, "the orphaned start's end");
        await _agent.StartAsync(config, networkNamespace);
    }
}
