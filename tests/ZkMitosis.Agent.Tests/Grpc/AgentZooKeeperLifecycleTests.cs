using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>
/// The migration's per-node steps through a real agent process over mTLS, on a real ZooKeeper it starts and stops with
/// the command backend: write zoo.cfg and myid, start, status, write data, stop, read the last zxid from disk, reset.
/// </summary>
public sealed class AgentZooKeeperLifecycleTests : IAsyncLifetime
{
    private static readonly Duration ServiceTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(90));

    private readonly TestDirectory _directory = new("zkat-life");
    private readonly TestCertificates _certificates = new();
    private ZooKeeperServiceScript? _zooKeeper;
    private AgentProcess? _agent;
    private global::Grpc.Net.Client.GrpcChannel? _channel;
    private ZkMitosis.Agent.V1.Agent.AgentClient? _client;
    private int _operation;

    private ZkMitosis.Agent.V1.Agent.AgentClient Client => _client!;

    public async Task InitializeAsync()
    {
        _zooKeeper = new ZooKeeperServiceScript(Path.Combine(_directory.Path, "zk"));
        var config = AgentProcess.ZooKeeperConfig(_directory.Path, _zooKeeper.ZooCfgPath, FreePorts.Next(), FreePorts.Next(), _certificates, commands: _zooKeeper.Commands);
        _agent = await AgentProcess.StartAsync(config, _directory.Path);
        (_client, _channel) = _agent.Connect(_certificates.Client);
        await TestLease.TakeAsync(_client, "plan-life", "zk-test");
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_zooKeeper is not null)
        {
            await _zooKeeper.DisposeAsync();
        }

        _certificates.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Lifecycle_WriteStartWriteDataStop_DiskZxidMatchesServedZxid()
    {
        var written = await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Next(), ExpectedSha256 = "", Content = _zooKeeper!.StandaloneZooCfg() }, deadline: Deadline());
        Assert.True(written.Changed);
        Assert.Empty(written.Backups);
        var myId = await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Next(), ServerId = 7, ExpectedSha256 = "" }, deadline: Deadline());
        Assert.Equal("7\n", await File.ReadAllTextAsync(Path.Combine(_zooKeeper.DataDirectory, "myid")));
        Assert.Equal(myId.Files[0].Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("7\n"u8)));

        var empty = await Client.InspectDataDirAsync(new InspectDataDirRequest(), deadline: Deadline());
        Assert.True(empty.Empty);
        Assert.True(empty.MyidPresent);

        var started = await Client.ControlServiceAsync(new ControlServiceRequest { Context = Next(), Action = ServiceAction.Start, Ready = ReadyCondition.Serving, Timeout = ServiceTimeout }, deadline: Deadline(120));
        Assert.Equal(ServiceState.Running, started.State);
        Assert.Equal(ReadyCondition.Serving, started.Ready);
        Assert.Equal(_zooKeeper.Pid, Assert.Single(started.Pids));

        await using (var zk = await ZooKeeperClient.ConnectAsync(_zooKeeper.ConnectString))
        {
            for (var i = 0; i < 25; i++)
            {
                await zk.CreateAsync($"/zkat-{i}", new byte[] { (byte)i }, CreateMode.Persistent);
            }
        }

        var serving = await Client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest { IncludeConnections = true }, deadline: Deadline());
        Assert.Equal(ZooKeeperMode.Standalone, serving.Mode);
        Assert.True(serving.Zxid >= 25, $"zxid {serving.Zxid}");
        Assert.Equal(-1, serving.LastZxidOnDisk);
        Assert.NotEmpty(serving.Mntr);
        Assert.NotEmpty(serving.Connections);

        var stopped = await Client.ControlServiceAsync(new ControlServiceRequest { Context = Next(), Action = ServiceAction.Stop, Timeout = ServiceTimeout }, deadline: Deadline(120));
        Assert.Equal(ServiceState.Stopped, stopped.State);

        var onDisk = await Client.InspectDataDirAsync(new InspectDataDirRequest(), deadline: Deadline());
        Assert.False(onDisk.Empty);
        Assert.Equal(serving.Zxid, onDisk.LastLoggedZxid);
        Assert.Equal(serving.Zxid, onDisk.LastZxid);
        var down = await Client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest(), deadline: Deadline());
        Assert.Equal(ZooKeeperMode.Stopped, down.Mode);
        Assert.Equal(serving.Zxid, down.LastZxidOnDisk);

        // The destination list is the lease's, given when it was taken, never the caller's word in the request.
        var other = Next();
        await Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = other.PlanId, Holder = TestLease.Holder, DestinationHosts = { "zk-other" } }, deadline: Deadline());
        var notDestination = await Assert.ThrowsAsync<RpcException>(() => Client.ResetDataDirAsync(new ResetDataDirRequest { Context = other }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, notDestination.StatusCode);
        Assert.False((await Client.InspectDataDirAsync(new InspectDataDirRequest(), deadline: Deadline())).Empty);

        var mine = Next();
        await Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = mine.PlanId, Holder = TestLease.Holder, DestinationHosts = { "zk-test" } }, deadline: Deadline());
        var reset = await Client.ResetDataDirAsync(new ResetDataDirRequest { Context = mine }, deadline: Deadline());
        Assert.NotEmpty(reset.Removed);
        var afterReset = await Client.InspectDataDirAsync(new InspectDataDirRequest(), deadline: Deadline());
        Assert.True(afterReset.Empty);
        Assert.True(afterReset.MyidPresent);
    }

    [Fact]
    public async Task ResetDataDir_ServiceRunning_RefusedNothingRemoved()
    {
        await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Next(), ExpectedSha256 = "*", Content = _zooKeeper!.StandaloneZooCfg() }, deadline: Deadline());
        await Client.ControlServiceAsync(new ControlServiceRequest { Context = Next(), Action = ServiceAction.Start, Ready = ReadyCondition.Serving, Timeout = ServiceTimeout }, deadline: Deadline(120));

        var mine = Next();
        await Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = mine.PlanId, Holder = TestLease.Holder, DestinationHosts = { "zk-test" } }, deadline: Deadline());
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ResetDataDirAsync(new ResetDataDirRequest { Context = mine }, deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("stop it", error.Status.Detail, StringComparison.Ordinal);
        Assert.False((await Client.InspectDataDirAsync(new InspectDataDirRequest(), deadline: Deadline())).Empty);
    }

    [Fact]
    public async Task Stop_KillAfterOnAServerThatHangsOnSigterm_KillsItAfterTheGraceAndEveryTxnIsOnDisk()
    {
        await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Next(), ExpectedSha256 = "*", Content = _zooKeeper!.StandaloneZooCfg() }, deadline: Deadline());
        await Client.ControlServiceAsync(new ControlServiceRequest { Context = Next(), Action = ServiceAction.Start, Ready = ReadyCondition.Serving, Timeout = ServiceTimeout }, deadline: Deadline(120));
        await using (var zk = await ZooKeeperClient.ConnectAsync(_zooKeeper.ConnectString))
        {
            for (var i = 0; i < 25; i++)
            {
                await zk.CreateAsync($"/zkat-kill-{i}", ReadOnlyMemory<byte>.Empty, CreateMode.Persistent);
            }
        }

        var served = (await Client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest(), deadline: Deadline())).Zxid;
        await File.WriteAllTextAsync(_zooKeeper.HangOnStopPath, "");

        // Its own stop would wait 10 s for a frozen JVM; the kill comes after 300 ms.
        var stopped = await Client.ControlServiceAsync(new ControlServiceRequest
        {
            Context = Next(),
            Action = ServiceAction.Stop,
            Timeout = ServiceTimeout,
            KillAfter = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300)),
        }, deadline: Deadline(120));

        Assert.Equal(ServiceState.Stopped, stopped.State);
        Assert.True(stopped.Elapsed.ToTimeSpan() < TimeSpan.FromSeconds(8), $"stopped after {stopped.Elapsed.ToTimeSpan()}: the stop's own 10 s wait, not the kill");
        Assert.Equal(served, (await Client.InspectDataDirAsync(new InspectDataDirRequest(), deadline: Deadline())).LastZxid);
    }

    [Fact]
    public async Task ControlService_KillAfterOnStartOrNotBelowTheTimeout_RefusedNothingDone()
    {
        await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Next(), ExpectedSha256 = "*", Content = _zooKeeper!.StandaloneZooCfg() }, deadline: Deadline());
        var killAfter = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300));

        var onStart = await Assert.ThrowsAsync<RpcException>(() => Client.ControlServiceAsync(
            new ControlServiceRequest { Context = Next(), Action = ServiceAction.Start, Timeout = ServiceTimeout, KillAfter = killAfter }, deadline: Deadline()).ResponseAsync);
        var tooLong = await Assert.ThrowsAsync<RpcException>(() => Client.ControlServiceAsync(
            new ControlServiceRequest { Context = Next(), Action = ServiceAction.Stop, Timeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(200)), KillAfter = killAfter }, deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, onStart.StatusCode);
        Assert.Contains("kill_after", onStart.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
        Assert.Null(_zooKeeper.Pid);
    }

    private MutationContext Next() => TestLease.Context("plan-life", $"op-{Interlocked.Increment(ref _operation)}");

    private static DateTime Deadline(int seconds = 30) => DateTime.UtcNow.AddSeconds(seconds);
}
