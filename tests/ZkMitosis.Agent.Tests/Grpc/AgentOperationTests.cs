using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>One insecure agent process for the call-semantics tests.</summary>
public sealed class PlainAgentFixture : IAsyncLifetime
{
    public TestDirectory Directory { get; } = new("zkat-ops");

    public AgentProcess? Agent { get; private set; }

    public string ZooCfgPath => Path.Combine(Directory.Path, "zoo.cfg");

    public string DataDir => Path.Combine(Directory.Path, "data");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(ZooCfgPath, $"# test config\ndataDir={DataDir}\nclientPort={FreePorts.Next()}\n");
        Agent = await AgentProcess.StartAsync(AgentProcess.ZooKeeperConfig(Directory.Path, ZooCfgPath, FreePorts.Next(), FreePorts.Next()), Directory.Path);
    }

    public async Task DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        Directory.Dispose();
    }
}

/// <summary>Retries by operation id, the lease, barriers, and refusals that name the problem and change nothing.</summary>
public sealed class AgentOperationTests(PlainAgentFixture fixture) : IClassFixture<PlainAgentFixture>, IAsyncLifetime
{
    private const string Plan = "plan-x";

    private readonly global::Grpc.Net.Client.GrpcChannel _channel = fixture.Agent!.Connect(AgentTlsSettings.InsecureLab).Channel;

    private ZkMitosis.Agent.V1.Agent.AgentClient Client => new(_channel);

    public Task InitializeAsync() => TestLease.TakeAsync(Client, Plan);

    public async Task DisposeAsync()
    {
        await TestLease.ReleaseAsync(Client, Plan);
        _channel.Dispose();
    }

    [Fact]
    public async Task WriteMyId_SameOperationIdRetried_ReplaysRecordedResultWithoutWritingAgain()
    {
        var context = Context(Plan);
        var first = await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = context, ServerId = 4, ExpectedSha256 = "*" });
        var modified = File.GetLastWriteTimeUtc(Path.Combine(fixture.DataDir, "myid"));

        var retry = await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = context, ServerId = 4, ExpectedSha256 = "*" });

        Assert.False(first.Operation.Replayed);
        Assert.True(retry.Operation.Replayed);
        Assert.Equal(first.Operation.PerformedAt, retry.Operation.PerformedAt);
        Assert.Equal(first.Files, retry.Files);
        Assert.Equal(modified, File.GetLastWriteTimeUtc(Path.Combine(fixture.DataDir, "myid")));
        var recorded = await Client.GetOperationAsync(new GetOperationRequest { OperationId = context.OperationId });
        Assert.Equal("WriteMyId", recorded.Method);
    }

    [Fact]
    public async Task WriteMyId_OperationIdReusedForAnotherRequest_AlreadyExistsAndNothingChanged()
    {
        var context = Context(Plan);
        await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = context, ServerId = 5, ExpectedSha256 = "*" });

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = context, ServerId = 6, ExpectedSha256 = "*" }).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains(context.OperationId, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("5\n", await File.ReadAllTextAsync(Path.Combine(fixture.DataDir, "myid")));
    }

    [Fact]
    public async Task Lease_HeldByAnotherPlan_MutationsOfOtherPlansRefused()
    {
        await TestLease.ReleaseAsync(Client, Plan);
        await Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = "plan-a", Holder = "coordinator-a", Ttl = Duration.FromTimeSpan(TimeSpan.FromMinutes(1)) });
        try
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context("plan-b", "coordinator-b"), ServerId = 9, ExpectedSha256 = "*" }).ResponseAsync);
            var steal = await Assert.ThrowsAsync<RpcException>(() => Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = "plan-b", Holder = "coordinator-b", TakeOver = true }).ResponseAsync);
            var sameHolder = await Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = "plan-a", Holder = "coordinator-a" });
            var allowed = await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context("plan-a", "coordinator-a"), ServerId = 3, ExpectedSha256 = "*" });
            var description = await Client.DescribeAsync(new DescribeRequest());

            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            var violation = Assert.Single(Detail<PreconditionFailure>(error).Violations);
            Assert.Equal("LEASE", violation.Type);
            Assert.Equal("plan-a", violation.Subject);
            Assert.Equal(StatusCode.FailedPrecondition, steal.StatusCode);
            Assert.Equal("plan-a", sameHolder.Lease.PlanId);
            Assert.True(allowed.Changed || allowed.Files.Count == 1);
            Assert.Equal("plan-a", description.Lease.PlanId);
            Assert.Equal("3\n", await File.ReadAllTextAsync(Path.Combine(fixture.DataDir, "myid")));
        }
        finally
        {
            await Client.ReleaseLeaseAsync(new ReleaseLeaseRequest { PlanId = "plan-a", Holder = "coordinator-a" });
        }

        Assert.Null((await Client.DescribeAsync(new DescribeRequest())).Lease);
    }

    [Fact]
    public async Task Lease_MutationOfAnotherHolderOfThePlan_RefusedNamingHolderAndExpiryNothingChanged()
    {
        var path = Path.Combine(fixture.DataDir, "myid");
        await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(Plan), ServerId = 11, ExpectedSha256 = "*" });
        var expires = (await Client.DescribeAsync(new DescribeRequest())).Lease.ExpiresAt.ToDateTimeOffset();

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(Plan, "coordinator-other"), ServerId = 12, ExpectedSha256 = "*" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("LEASE", Assert.Single(Detail<PreconditionFailure>(error).Violations).Type);
        Assert.Contains($"held by '{TestLease.Holder}' until {expires:O}", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("11\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Lease_NoneHeld_MutationRefusedAskingToTakeItFirst()
    {
        var path = Path.Combine(fixture.DataDir, "myid");
        await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(Plan), ServerId = 13, ExpectedSha256 = "*" });
        await TestLease.ReleaseAsync(Client, Plan);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(Plan), ServerId = 14, ExpectedSha256 = "*" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("lease first", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("13\n", await File.ReadAllTextAsync(path));
    }

    [Theory]
    [InlineData("", StatusCode.InvalidArgument)]
    [InlineData("coordinator-other", StatusCode.FailedPrecondition)]
    public async Task ReleaseLease_EmptyOrAnotherHolder_RefusedAndTheLeaseKept(string holder, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ReleaseLeaseAsync(new ReleaseLeaseRequest { PlanId = Plan, Holder = holder }).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
        var lease = (await Client.DescribeAsync(new DescribeRequest())).Lease;
        Assert.Equal(Plan, lease.PlanId);
        Assert.Equal(TestLease.Holder, lease.Holder);
    }

    [Fact]
    public async Task AcquireLease_TakeOverBySamePlanMovesTheLease_AnotherPlanCannot()
    {
        var otherPlan = await Assert.ThrowsAsync<RpcException>(() => Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = "plan-y", Holder = "resumer", TakeOver = true }).ResponseAsync);
        var withoutTakeOver = await Assert.ThrowsAsync<RpcException>(() => Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = Plan, Holder = "resumer" }).ResponseAsync);
        var taken = await Client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = Plan, Holder = "resumer", TakeOver = true, DestinationHosts = { "zk-test" } });
        try
        {
            var oldHolder = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(Plan), ServerId = 15, ExpectedSha256 = "*" }).ResponseAsync);
            var newHolder = await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(Plan, "resumer"), ServerId = 16, ExpectedSha256 = "*" });

            Assert.Equal(StatusCode.FailedPrecondition, otherPlan.StatusCode);
            Assert.Equal(StatusCode.FailedPrecondition, withoutTakeOver.StatusCode);
            Assert.Equal("resumer", taken.Lease.Holder);
            Assert.Equal(["zk-test"], taken.Lease.DestinationHosts);
            Assert.Equal(StatusCode.FailedPrecondition, oldHolder.StatusCode);
            Assert.False(newHolder.Operation.Replayed);
            Assert.Equal("16\n", await File.ReadAllTextAsync(Path.Combine(fixture.DataDir, "myid")));
        }
        finally
        {
            await Client.ReleaseLeaseAsync(new ReleaseLeaseRequest { PlanId = Plan, Holder = "resumer" });
        }
    }

    [Fact]
    public async Task WriteZooConfig_SameOperationRetriedWithAFreshPrecondition_ReplaysInsteadOfAShaMismatch()
    {
        var read = await Client.ReadConfigAsync(new ReadConfigRequest());
        var context = Context(Plan);
        var edit = new ConfigEdit { Set = { ["initLimit"] = "9" } };
        var first = await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = context, ExpectedSha256 = read.Main.File.Sha256, Edit = edit });

        // The coordinator resumed, read the file again and sends the sha it sees now: the same effect.
        var retry = await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = context, ExpectedSha256 = first.Files[0].Sha256, Edit = edit });
        await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(Plan), ExpectedSha256 = retry.Files[0].Sha256, Content = read.Main.Content });

        Assert.False(first.Operation.Replayed);
        Assert.True(retry.Operation.Replayed);
        Assert.Equal(OperationStatus.Done, retry.Operation.Status);
        Assert.Equal(first.Files, retry.Files);
        var recorded = await Client.GetOperationAsync(new GetOperationRequest { OperationId = context.OperationId });
        Assert.Equal(OperationStatus.Done, recorded.Status);
    }

    [Fact]
    public async Task WriteMyId_FailedOperationRetried_SameErrorAgainWithoutActing()
    {
        var path = Path.Combine(fixture.DataDir, "myid");
        await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(Plan), ServerId = 17, ExpectedSha256 = "*" });
        var context = Context(Plan);
        var stale = new string('0', 64);
        var first = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = context, ServerId = 18, ExpectedSha256 = stale }).ResponseAsync);

        // Now with the right precondition: the same operation, already failed; the record answers, nothing is written.
        var current = (await Client.ReadConfigAsync(new ReadConfigRequest())).Myid.File.Sha256;
        var again = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = context, ServerId = 18, ExpectedSha256 = current }).ResponseAsync);
        var recorded = await Client.GetOperationAsync(new GetOperationRequest { OperationId = context.OperationId });

        Assert.Equal(StatusCode.FailedPrecondition, first.StatusCode);
        Assert.Equal(first.StatusCode, again.StatusCode);
        Assert.Equal(first.Status.Detail, again.Status.Detail);
        Assert.Equal("SHA256", Assert.Single(Detail<PreconditionFailure>(again).Violations).Type);
        Assert.Equal(OperationStatus.Failed, recorded.Status);
        Assert.Contains("FailedPrecondition", recorded.Error, StringComparison.Ordinal);
        Assert.Equal("17\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task WriteZooConfig_StaleSha256_FailedPreconditionAndFileUnchanged()
    {
        var before = await File.ReadAllTextAsync(fixture.ZooCfgPath);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(Plan), ExpectedSha256 = new string('0', 64), Content = "dataDir=/elsewhere\n" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("SHA256", Assert.Single(Detail<PreconditionFailure>(error).Violations).Type);
        Assert.Equal(before, await File.ReadAllTextAsync(fixture.ZooCfgPath));
    }

    [Fact]
    public async Task WriteZooConfig_Edit_ChangesOnlyTheNamedKeysAndKeepsABackup()
    {
        var read = await Client.ReadConfigAsync(new ReadConfigRequest());
        var edit = new ConfigEdit { Set = { ["syncLimit"] = "7" } };

        var written = await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(Plan), ExpectedSha256 = read.Main.File.Sha256, Edit = edit });
        var edited = await File.ReadAllTextAsync(fixture.ZooCfgPath);
        var undo = await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(Plan), ExpectedSha256 = written.Files[0].Sha256, Content = read.Main.Content });

        Assert.True(written.Changed);
        var backup = Assert.Single(written.Backups);
        Assert.Equal(read.Main.Content, await File.ReadAllTextAsync(backup));
        Assert.Equal(read.Main.Content + "syncLimit=7\n", edited);
        Assert.True(undo.Changed);
        Assert.Equal(read.Main.Content, await File.ReadAllTextAsync(fixture.ZooCfgPath));
    }

    [Theory]
    [InlineData("", "op", TestLease.Holder, "context.plan_id")]
    [InlineData(Plan, "", TestLease.Holder, "context.operation_id")]
    [InlineData(Plan, "op", "", "context.lease_holder")]
    [InlineData(Plan + "\n", "op", TestLease.Holder, "context.plan_id")]
    [InlineData(Plan, "op\n", TestLease.Holder, "context.operation_id")]
    [InlineData(Plan, "op id", TestLease.Holder, "context.operation_id")]
    [InlineData(Plan, "op;rm", TestLease.Holder, "context.operation_id")]
    [InlineData(Plan, "op", TestLease.Holder + "\n", "context.lease_holder")]
    [InlineData(Plan, "op", "test\u0000holder", "context.lease_holder")]
    public async Task WriteMyId_ContextMissingOrMalformed_InvalidArgumentNamingTheField(string plan, string operation, string holder, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = new MutationContext { PlanId = plan, OperationId = operation, LeaseHolder = holder }, ServerId = 1 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, Assert.Single(Detail<BadRequest>(error).FieldViolations).Field);
    }

    [Fact]
    public async Task WriteMyId_OutOfRange_InvalidArgumentAndFileUnchanged()
    {
        var path = Path.Combine(fixture.DataDir, "myid");
        var before = File.Exists(path) ? await File.ReadAllTextAsync(path) : null;

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(Plan), ServerId = 1000, ExpectedSha256 = "*" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("server_id", Assert.Single(Detail<BadRequest>(error).FieldViolations).Field);
        Assert.Equal(before, File.Exists(path) ? await File.ReadAllTextAsync(path) : null);
    }

    [Fact]
    public async Task Isolate_HostNameInsteadOfAddress_InvalidArgumentNamingPeers()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.IsolateAsync(new IsolateRequest { Context = Context(Plan), Peers = { "zk1.example" } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("peers", Assert.Single(Detail<BadRequest>(error).FieldViolations).Field);
    }

    [Fact]
    public async Task GetKafkaConfig_OnZooKeeperHost_Unimplemented()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.GetKafkaConfigAsync(new GetKafkaConfigRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Barrier_ArmThenFire_ReportsStartTimesAndRunsTheAction()
    {
        var armed = await Client.ArmBarrierAsync(new ArmBarrierRequest
        {
            Context = Context(Plan),
            BarrierId = "b1",
            Action = new BarrierAction { ControlService = new ControlServiceRequest { Action = ServiceAction.Status } },
        });
        var before = DateTimeOffset.UtcNow;

        var fired = await Client.FireBarrierAsync(new FireBarrierRequest { Context = Context(Plan), BarrierId = "b1" });
        var again = await Assert.ThrowsAsync<RpcException>(() => Client.FireBarrierAsync(new FireBarrierRequest { Context = Context(Plan), BarrierId = "b1" }).ResponseAsync);

        Assert.Equal("b1", armed.BarrierId);
        Assert.True(fired.StartedAt.ToDateTimeOffset() >= before.AddSeconds(-1));
        Assert.True(fired.StartedMonotonicNs > 0);
        Assert.True(fired.FireLatency.ToTimeSpan() < TimeSpan.FromSeconds(1));
        Assert.Equal(ServiceState.Stopped, fired.ControlService.State);
        Assert.Equal(StatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Probe_ClosedLocalPort_Refused()
    {
        var port = FreePorts.Next();

        var result = await Client.ProbeAsync(new ProbeRequest { Targets = { new ProbeTarget { Host = "127.0.0.1", Port = (uint)port } } });

        Assert.Equal(ZkMitosis.Agent.V1.ProbeOutcome.Refused, Assert.Single(result.Results).Outcome);
    }

    private static T Detail<T>(RpcException error)
        where T : class, Google.Protobuf.IMessage<T>, new() =>
        error.GetRpcStatus()?.GetDetail<T>() ?? throw new InvalidOperationException($"no {typeof(T).Name} detail in {error.Status}");

    private static MutationContext Context(string plan, string holder = TestLease.Holder)
    {
        var context = TestLease.Context(plan);
        context.LeaseHolder = holder;
        return context;
    }
}
