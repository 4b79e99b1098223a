using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>
/// An operation id names an effect (agent.proto, "Conventions"): the agent records it as accepted before acting, runs it
/// to its end whatever the caller does, and after being killed (SIGKILL) while it ran answers the same id with
/// "interrupted", never by acting again. A stand-in service counts every start and stop.
/// </summary>
public sealed class AgentOperationRecoveryTests : IAsyncLifetime
{
    private const string Plan = "plan-recover";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly Duration ServiceTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(20));

    private readonly TestDirectory _directory = new("zkat-recover");
    private CountingServiceScript? _service;
    private JsonObject? _config;
    private readonly RestartableAgent _agent;

    public AgentOperationRecoveryTests() => _agent = new RestartableAgent(_directory.Path);

    private ZkMitosis.Agent.V1.Agent.AgentClient Client => _agent.Client;

    private CountingServiceScript Service => _service!;

    private string ZooCfgPath => Path.Combine(_directory.Path, "zoo.cfg");

    private string MyIdPath => Path.Combine(_directory.Path, "data", "myid");

    public async Task InitializeAsync()
    {
        _service = new CountingServiceScript(Path.Combine(_directory.Path, "service"));
        await File.WriteAllTextAsync(ZooCfgPath, $"dataDir={Path.Combine(_directory.Path, "data")}\nclientPort={FreePorts.Next()}\n");
        _config = AgentProcess.ZooKeeperConfig(_directory.Path, ZooCfgPath, FreePorts.Next(), FreePorts.Next(), commands: _service.Commands);
        await _agent.StartAsync(_config!);
        await TestLease.TakeAsync(Client, Plan, "zk-test");
    }

    public async Task DisposeAsync()
    {
        await _agent.StopAsync();
        if (_service is not null)
        {
            // A script the killed agent left behind ends by itself within its delay; wait so the directory can go.
            await CountingServiceScript.WaitUntilAsync(() => _service.StartsDone == _service.Starts && _service.StopsDone == _service.Stops, Bound, "the service scripts' end");
        }

        _directory.Dispose();
    }

    [Theory]
    [InlineData(ServiceAction.Start)]
    [InlineData(ServiceAction.Stop)]
    [InlineData(ServiceAction.Restart)]
    public async Task ControlService_AgentKilledWhileItRuns_RetryAnswersInterruptedAndNothingRanTwice(ServiceAction action)
    {
        Service.SetDelays(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        if (action != ServiceAction.Start)
        {
            Service.MarkRunning();
        }

        var request = new ControlServiceRequest { Context = TestLease.Context(Plan, $"{Plan}/service/{action}"), Action = action, Timeout = ServiceTimeout };
        var call = Client.ControlServiceAsync(request, deadline: DateTime.UtcNow + Bound);
        await CountingServiceScript.WaitUntilAsync(() => Service.Starts + Service.Stops == 1, Bound, "the action's first command");

        await KillAndRestartAgentAsync(call.ResponseAsync);
        var retry = await Assert.ThrowsAsync<RpcException>(() => Client.ControlServiceAsync(request, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        var recorded = await Client.GetOperationAsync(new GetOperationRequest { OperationId = request.Context.OperationId });

        AssertInterrupted(retry, request.Context.OperationId);
        Assert.Equal(OperationStatus.Interrupted, recorded.Status);
        Assert.Equal("ControlService", recorded.Method);
        Assert.Contains("effect is unknown", recorded.Error, StringComparison.Ordinal);
        Assert.Equal(action == ServiceAction.Start ? 1 : 0, Service.Starts);
        Assert.Equal(action == ServiceAction.Start ? 0 : 1, Service.Stops);
    }

    [Fact]
    public async Task Mutations_AcceptedBehindARunningStartWhenTheAgentIsKilled_EachRetryAnswersInterruptedAndNothingIsDone()
    {
        var before = await File.ReadAllTextAsync(ZooCfgPath);
        Service.SetDelays(TimeSpan.FromSeconds(2), TimeSpan.Zero);
        var start = Client.ControlServiceAsync(new ControlServiceRequest { Context = TestLease.Context(Plan, $"{Plan}/start/zk"), Action = ServiceAction.Start, Timeout = ServiceTimeout }, deadline: DateTime.UtcNow + Bound);
        await CountingServiceScript.WaitUntilAsync(() => Service.Starts == 1, Bound, "the start");

        // Every kind of file mutation, accepted (recorded) while the start holds the host: actions run one at a time.
        var zooCfg = new WriteZooConfigRequest { Context = TestLease.Context(Plan, $"{Plan}/config/zk"), ExpectedSha256 = "*", Content = before + "syncLimit=9\n" };
        var myId = new WriteMyIdRequest { Context = TestLease.Context(Plan, $"{Plan}/myid/zk"), ServerId = 5, ExpectedSha256 = "*" };
        var reset = new ResetDataDirRequest { Context = TestLease.Context(Plan, $"{Plan}/reset/zk") };
        var cancel = new CancelBarrierRequest { Context = TestLease.Context(Plan, $"{Plan}/elect/cancel"), BarrierId = "b-other" };
        var calls = new List<Task>
        {
            Client.WriteZooConfigAsync(zooCfg, deadline: DateTime.UtcNow + Bound).ResponseAsync,
            Client.WriteMyIdAsync(myId, deadline: DateTime.UtcNow + Bound).ResponseAsync,
            Client.ResetDataDirAsync(reset, deadline: DateTime.UtcNow + Bound).ResponseAsync,
            Client.CancelBarrierAsync(cancel, deadline: DateTime.UtcNow + Bound).ResponseAsync,
        };
        var ids = new[] { zooCfg.Context.OperationId, myId.Context.OperationId, reset.Context.OperationId, cancel.Context.OperationId };
        foreach (var id in ids)
        {
            await WaitForStatusAsync(id, OperationStatus.Running);
        }

        await KillAndRestartAgentAsync([start.ResponseAsync, .. calls]);

        AssertInterrupted(await Assert.ThrowsAsync<RpcException>(() => Client.WriteZooConfigAsync(zooCfg, deadline: DateTime.UtcNow + Bound).ResponseAsync), ids[0]);
        AssertInterrupted(await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(myId, deadline: DateTime.UtcNow + Bound).ResponseAsync), ids[1]);
        AssertInterrupted(await Assert.ThrowsAsync<RpcException>(() => Client.ResetDataDirAsync(reset, deadline: DateTime.UtcNow + Bound).ResponseAsync), ids[2]);
        AssertInterrupted(await Assert.ThrowsAsync<RpcException>(() => Client.CancelBarrierAsync(cancel, deadline: DateTime.UtcNow + Bound).ResponseAsync), ids[3]);
        Assert.Equal(before, await File.ReadAllTextAsync(ZooCfgPath));
        Assert.False(File.Exists(MyIdPath));
        Assert.Equal(1, Service.Starts);

        // The caller re-checks the world and sends a new generation: it acts once, and its retry replays.
        myId.Context = TestLease.Context(Plan, $"{Plan}/myid/zk/2");
        var second = await Client.WriteMyIdAsync(myId, deadline: DateTime.UtcNow + Bound);
        var replay = await Client.WriteMyIdAsync(myId, deadline: DateTime.UtcNow + Bound);
        Assert.False(second.Operation.Replayed);
        Assert.True(replay.Operation.Replayed);
        Assert.Equal("5\n", await File.ReadAllTextAsync(MyIdPath));
    }

    [Fact]
    public async Task FireBarrier_AgentKilledWhileItsStartRuns_RetryAnswersInterruptedAndStartedOnce()
    {
        Service.SetDelays(TimeSpan.FromSeconds(2), TimeSpan.Zero);
        await Client.ArmBarrierAsync(new ArmBarrierRequest
        {
            Context = TestLease.Context(Plan, $"{Plan}/elect/arm"),
            BarrierId = "b-start",
            Action = new BarrierAction { ControlService = new ControlServiceRequest { Action = ServiceAction.Start, Timeout = ServiceTimeout } },
        }, deadline: DateTime.UtcNow + Bound);
        var fire = new FireBarrierRequest { Context = TestLease.Context(Plan, $"{Plan}/elect/fire"), BarrierId = "b-start" };
        var call = Client.FireBarrierAsync(fire, deadline: DateTime.UtcNow + Bound);
        await CountingServiceScript.WaitUntilAsync(() => Service.Starts == 1, Bound, "the fired start");

        await KillAndRestartAgentAsync(call.ResponseAsync);
        var retry = await Assert.ThrowsAsync<RpcException>(() => Client.FireBarrierAsync(fire, deadline: DateTime.UtcNow + Bound).ResponseAsync);

        AssertInterrupted(retry, fire.Context.OperationId);
        Assert.Equal(1, Service.Starts);
    }

    [Fact]
    public async Task ArmBarrier_AgentRestartedAfterArming_FireNamesTheLostArmAndAReSentArmReallyArms()
    {
        var arm = new ArmBarrierRequest
        {
            Context = TestLease.Context(Plan, $"{Plan}/elect/arm-1"),
            BarrierId = "b-restart",
            Action = new BarrierAction { ControlService = new ControlServiceRequest { Action = ServiceAction.Start, Timeout = ServiceTimeout } },
        };
        await Client.ArmBarrierAsync(arm, deadline: DateTime.UtcNow + Bound);

        await KillAndRestartAgentAsync();
        var lost = await Assert.ThrowsAsync<RpcException>(() => Client.FireBarrierAsync(new FireBarrierRequest { Context = TestLease.Context(Plan, $"{Plan}/elect/fire-1"), BarrierId = "b-restart" }, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        var startsAfterTheLostFire = Service.Starts;
        var rearmed = await Client.ArmBarrierAsync(arm, deadline: DateTime.UtcNow + Bound);
        var fired = await Client.FireBarrierAsync(new FireBarrierRequest { Context = TestLease.Context(Plan, $"{Plan}/elect/fire-2"), BarrierId = "b-restart" }, deadline: DateTime.UtcNow + Bound);

        Assert.Equal(StatusCode.FailedPrecondition, lost.StatusCode);
        Assert.Equal("BARRIER", Assert.Single(lost.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations).Type);
        Assert.Contains("send the Arm again", lost.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, startsAfterTheLostFire);
        Assert.False(rearmed.Operation.Replayed);
        Assert.Equal(ServiceState.Running, fired.ControlService.State);
        Assert.Equal(1, Service.Starts);
    }

    [Fact]
    public async Task ControlService_SameIdTwiceWhileTheFirstCallerGivesUp_RestartRunsOnceToItsEndAndTheSecondGetsItsResult()
    {
        Service.MarkRunning();
        Service.SetDelays(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1500));
        var request = new ControlServiceRequest { Context = TestLease.Context(Plan, $"{Plan}/restart/zk"), Action = ServiceAction.Restart, Timeout = ServiceTimeout };

        // The first caller (a coordinator that dies) is gone while the stop runs; the restart must not stay half done.
        var first = Client.ControlServiceAsync(request, deadline: DateTime.UtcNow.AddMilliseconds(600)).ResponseAsync;
        await CountingServiceScript.WaitUntilAsync(() => Service.Stops == 1, Bound, "the restart's stop");
        var second = Client.ControlServiceAsync(request, deadline: DateTime.UtcNow + Bound).ResponseAsync;

        var gaveUp = await Assert.ThrowsAsync<RpcException>(() => first);
        var result = await second;
        var recorded = await Client.GetOperationAsync(new GetOperationRequest { OperationId = request.Context.OperationId });

        Assert.Equal(StatusCode.DeadlineExceeded, gaveUp.StatusCode);
        Assert.True(result.Operation.Replayed);
        Assert.Equal(ServiceState.Running, result.State);
        Assert.Equal(OperationStatus.Done, recorded.Status);
        Assert.Equal(1, Service.Stops);
        Assert.Equal(1, Service.Starts);
        Assert.True(Service.Running);
    }

    [Fact]
    public async Task ControlService_CallerCancelsAStart_TheStartStillCompletesAndIsRecordedDone()
    {
        Service.SetDelays(TimeSpan.FromSeconds(1), TimeSpan.Zero);
        var request = new ControlServiceRequest { Context = TestLease.Context(Plan, $"{Plan}/start/zk"), Action = ServiceAction.Start, Timeout = ServiceTimeout };
        using var cancel = new CancellationTokenSource();

        var call = Client.ControlServiceAsync(request, deadline: DateTime.UtcNow + Bound, cancellationToken: cancel.Token).ResponseAsync;
        await CountingServiceScript.WaitUntilAsync(() => Service.Starts == 1, Bound, "the start");
        await cancel.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<RpcException>(() => call);
        await WaitForStatusAsync(request.Context.OperationId, OperationStatus.Done);
        var retry = await Client.ControlServiceAsync(request, deadline: DateTime.UtcNow + Bound);

        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        Assert.True(Service.Running);
        Assert.Equal(1, Service.StartsDone);
        Assert.True(retry.Operation.Replayed);
        Assert.Equal(1, Service.Starts);
    }

    private static void AssertInterrupted(RpcException error, string operationId)
    {
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("OPERATION_INTERRUPTED", info.Reason);
        Assert.Equal(operationId, info.Metadata["operation_id"]);
    }

    private async Task WaitForStatusAsync(string operationId, OperationStatus status)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            try
            {
                if ((await Client.GetOperationAsync(new GetOperationRequest { OperationId = operationId }, deadline: DateTime.UtcNow + Bound)).Status == status)
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
                throw new TimeoutException($"operation {operationId} did not reach {status} within {Bound.TotalSeconds} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>SIGKILL the agent (the calls in flight fail), let the orphaned service scripts end, start it again on the same state dir.</summary>
    private async Task KillAndRestartAgentAsync(params Task[] inFlight)
    {
        await _agent.StopAsync();
        foreach (var call in inFlight)
        {
            await Assert.ThrowsAnyAsync<RpcException>(() => call);
        }

        await CountingServiceScript.WaitUntilAsync(() => Service.StartsDone == Service.Starts && Service.StopsDone == Service.Stops, Bound, "the orphaned service scripts' end");
        await _agent.StartAsync(_config!);
    }
}
