using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>
/// <see cref="IHostAgent"/> over the agent's gRPC API. Every mutating call carries the plan id and the operation
/// id; a call that fails transiently (unavailable, deadline) is retried, bounded, with the same operation id, so
/// the agent answers a retry of something it already did from its record instead of doing it twice.
/// </summary>
public sealed partial class GrpcHostAgent(string address, Agent.V1.Agent.AgentClient client, Grpc.Health.V1.Health.HealthClient health, MigrationPlan plan, AgentRetryPolicy retry) : IHostAgent
{
    public string Address { get; } = address;

    private TimeSpan CallTimeout => plan.Timeouts.AgentCall;

    public async Task<AgentDescription> DescribeAsync(CancellationToken cancellationToken)
    {
        var r = await CallAsync("Describe", o => client.DescribeAsync(new DescribeRequest(), o), CallTimeout, cancellationToken).ConfigureAwait(false);
        var role = r.Role switch { Role.Zookeeper => "zookeeper", Role.Kafka => "kafka", _ => "unknown" };
        var version = r.Role == Role.Kafka ? r.KafkaVersion : r.ZookeeperVersion;
        return new AgentDescription(r.HostName, role, r.AgentVersion, string.IsNullOrEmpty(version) ? null : version.Split(' ', '-')[0], r.ServerId == 0 ? null : (int)r.ServerId, r.JuteMaxBuffer, r.JuteMaxBufferSource)
        {
            Addresses = [.. r.Addresses],
        };
    }

    public Task AcquireLeaseAsync(OperationContext operation, TimeSpan duration, bool takeOver, CancellationToken cancellationToken) =>
        CallAsync("AcquireLease", o => client.AcquireLeaseAsync(new AcquireLeaseRequest
        {
            PlanId = operation.PlanId,
            Holder = operation.LeaseHolder,
            Ttl = Duration.FromTimeSpan(duration),
            TakeOver = takeOver,
            DestinationHosts = { plan.Destination.Select(d => d.Host) },
        }, o), CallTimeout, cancellationToken);

    public Task ReleaseLeaseAsync(OperationContext operation, CancellationToken cancellationToken) =>
        CallAsync("ReleaseLease", o => client.ReleaseLeaseAsync(new ReleaseLeaseRequest { PlanId = operation.PlanId, Holder = operation.LeaseHolder }, o), CallTimeout, cancellationToken);

    public async Task<AgentOperation> GetOperationAsync(string operationId, CancellationToken cancellationToken)
    {
        try
        {
            var r = await CallAsync("GetOperation", o => client.GetOperationAsync(new GetOperationRequest { OperationId = Truncate(operationId) }, o), CallTimeout, cancellationToken).ConfigureAwait(false);
            var status = r.Status switch
            {
                OperationStatus.Running => AgentOperationStatus.Running,
                OperationStatus.Failed => AgentOperationStatus.Failed,
                OperationStatus.Interrupted => AgentOperationStatus.Interrupted,
                // An agent older than the resume contract records only finished operations, without a status.
                _ => AgentOperationStatus.Done,
            };
            return new AgentOperation(status, r.Method, string.IsNullOrEmpty(r.ResponseJson) ? null : r.ResponseJson, string.IsNullOrEmpty(r.Error) ? null : r.Error);
        }
        catch (AgentCallException e) when (e.InnerException is RpcException { StatusCode: StatusCode.NotFound })
        {
            return new AgentOperation(AgentOperationStatus.NotFound);
        }
    }

    public async Task<ZooKeeperNodeStatus> GetZooKeeperStatusAsync(CancellationToken cancellationToken)
    {
        var statusTask = CallAsync("GetZooKeeperStatus", o => client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest { IncludeConnections = true }, o), CallTimeout, cancellationToken);
        var serviceTask = CallAsync("ControlService(status)", o => client.ControlServiceAsync(new ControlServiceRequest { Action = ServiceAction.Status }, o), CallTimeout, cancellationToken);
        var status = await statusTask.ConfigureAwait(false);
        var service = await serviceTask.ConfigureAwait(false);
        var mode = status.Mode switch
        {
            ZooKeeperMode.Leader => "leader",
            ZooKeeperMode.Follower => "follower",
            ZooKeeperMode.Observer => "observer",
            ZooKeeperMode.Standalone => "standalone",
            _ => null,
        };
        var running = service.State == Agent.V1.ServiceState.Running || mode is not null;
        var zxid = mode is not null ? status.Zxid : status.LastZxidOnDisk;
        int? learners = mode == "leader" && status.Mntr.Count > 0 ? status.Learners : null;
        return new ZooKeeperNodeStatus(running, mode, zxid, status.Connections.Select(c => c.Address).ToList(), learners);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var r = await CallAsync("Health.Check", o => health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), o), CallTimeout, cancellationToken).ConfigureAwait(false);
        if (r.Status != Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving)
        {
            throw new AgentCallException(Address, "Health.Check", $"the agent reports {r.Status} (its state directory is not writable; see /readyz on its monitoring port)");
        }
    }

    public async Task<DataDirState> InspectDataDirAsync(CancellationToken cancellationToken)
    {
        var r = await CallAsync("InspectDataDir", o => client.InspectDataDirAsync(new InspectDataDirRequest(), o), CallTimeout, cancellationToken).ConfigureAwait(false);
        return new DataDirState(r.Empty, r.LastZxid, r.Snapshots.Select(f => f.Path).Concat(r.TxnLogs.Select(f => f.Path)).ToList(), r.CurrentEpoch);
    }

    public async Task<ConfigFile> ReadZooConfigAsync(CancellationToken cancellationToken)
    {
        var r = await CallAsync("ReadConfig", o => client.ReadConfigAsync(new ReadConfigRequest { Kind = "zoo.cfg" }, o), CallTimeout, cancellationToken).ConfigureAwait(false);
        return new ConfigFile(r.Main.Content, r.Main.File.Sha256, r.Dynamic?.Content);
    }

    public Task WriteZooConfigAsync(OperationContext operation, string content, string expectedSha256, CancellationToken cancellationToken) =>
        CallAsync("WriteZooConfig", o => client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(operation), Content = content, ExpectedSha256 = expectedSha256 }, o), CallTimeout, cancellationToken);

    public Task WriteZooConfigAsync(OperationContext operation, string content, string expectedSha256, IReadOnlyDictionary<string, string> sourceSecurity, CancellationToken cancellationToken)
    {
        var request = new WriteZooConfigRequest { Context = Context(operation), Content = content, ExpectedSha256 = expectedSha256 };
        request.SourceSecurity.Add(sourceSecurity.ToDictionary());
        return CallAsync("WriteZooConfig", o => client.WriteZooConfigAsync(request, o), CallTimeout, cancellationToken);
    }

    public async Task<string> RenderZooConfigAsync(string content, IReadOnlyDictionary<string, string> sourceSecurity, CancellationToken cancellationToken)
    {
        var request = new RenderPlannedFilesRequest { ZooCfgContent = content };
        request.SourceSecurity.Add(sourceSecurity.ToDictionary());
        var response = await RenderPlannedFilesAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Files.First(f => f.Kind == "zoo.cfg").PlannedContent;
    }

    public Task WriteMyIdAsync(OperationContext operation, int serverId, CancellationToken cancellationToken) =>
        CallAsync("WriteMyId", o => client.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(operation), ServerId = serverId, ExpectedSha256 = "*" }, o), CallTimeout, cancellationToken);

    public Task ResetDataDirAsync(OperationContext operation, CancellationToken cancellationToken)
    {
        var request = new ResetDataDirRequest { Context = Context(operation) };
        return CallAsync("ResetDataDir", o => client.ResetDataDirAsync(request, o), CallTimeout, cancellationToken);
    }

    public Task<ServiceState> ControlServiceAsync(OperationContext operation, string action, CancellationToken cancellationToken) =>
        ControlAsync(operation, ControlRequest(action), action, cancellationToken);

    public Task<ServiceState> StopServiceAsync(OperationContext operation, TimeSpan killAfter, CancellationToken cancellationToken)
    {
        var request = ControlRequest("stop");
        request.KillAfter = Duration.FromTimeSpan(killAfter);
        return ControlAsync(operation, request, "stop", cancellationToken);
    }

    private async Task<ServiceState> ControlAsync(OperationContext operation, ControlServiceRequest request, string action, CancellationToken cancellationToken)
    {
        request.Context = Context(operation);
        var r = await CallAsync($"ControlService({action})", o => client.ControlServiceAsync(request, o), plan.Timeouts.ServerStart + CallTimeout, cancellationToken).ConfigureAwait(false);
        return new ServiceState(r.State == Agent.V1.ServiceState.Running, r.Pids.Count > 0 ? r.Pids[0] : null, r.StateReachedAt?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow);
    }

    public Task ArmBarrierAsync(OperationContext operation, string barrierId, string action, CancellationToken cancellationToken)
    {
        var request = new ArmBarrierRequest { Context = Context(operation), BarrierId = barrierId, Action = new BarrierAction { ControlService = ControlRequest(action) } };
        return CallAsync("ArmBarrier", o => client.ArmBarrierAsync(request, o), CallTimeout, cancellationToken);
    }

    public async Task<BarrierFired> FireBarrierAsync(OperationContext operation, string barrierId, CancellationToken cancellationToken)
    {
        var r = await CallAsync("FireBarrier", o => client.FireBarrierAsync(new FireBarrierRequest { Context = Context(operation), BarrierId = barrierId }, o), plan.Timeouts.ServerStart + CallTimeout, cancellationToken).ConfigureAwait(false);
        return new BarrierFired(r.StartedAt.ToDateTimeOffset(), r.StartedMonotonicNs);
    }

    public Task IsolateAsync(OperationContext operation, IReadOnlyList<string> peers, IReadOnlyList<int> ports, CancellationToken cancellationToken)
    {
        var request = CutRequest(peers, ports);
        request.Context = Context(operation);
        return CallAsync("Isolate", o => client.IsolateAsync(request, o), CallTimeout, cancellationToken);
    }

    public Task HealAsync(OperationContext operation, CancellationToken cancellationToken) =>
        CallAsync("Heal", o => client.HealAsync(new HealRequest { Context = Context(operation) }, o), CallTimeout, cancellationToken);

    public async Task<IReadOnlyList<string>> ListFirewallAsync(CancellationToken cancellationToken)
    {
        var r = await CallAsync("ListFirewall", o => client.ListFirewallAsync(new ListFirewallRequest(), o), CallTimeout, cancellationToken).ConfigureAwait(false);
        return r.Rules.Select(rule => string.IsNullOrEmpty(rule.Text) ? $"{rule.Group} {rule.Verdict} {rule.Peer}" : rule.Text).ToList();
    }

    public async Task<IReadOnlyList<ProbeOutcome>> ProbeAsync(IReadOnlyList<string> targets, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = new ProbeRequest { Timeout = Duration.FromTimeSpan(timeout) };
        request.Targets.AddRange(targets.Select(t =>
        {
            var endpoint = HostEndpoint.ParseWithPort(t);
            return new ProbeTarget { Host = endpoint.Host, Port = (uint)endpoint.Port };
        }));
        var r = await CallAsync("Probe", o => client.ProbeAsync(request, o), CallTimeout + timeout, cancellationToken).ConfigureAwait(false);
        return r.Results.Select(x => new ProbeOutcome(new HostEndpoint(x.Target.Host, (int)x.Target.Port).ToString(), x.Outcome switch
        {
            Agent.V1.ProbeOutcome.Open => "open",
            Agent.V1.ProbeOutcome.Refused => "refused",
            Agent.V1.ProbeOutcome.Timeout => "timeout",
            _ => "unreachable",
        })).ToList();
    }

    public async Task<string?> GetKafkaZooKeeperConnectAsync(CancellationToken cancellationToken)
    {
        var r = await CallAsync("GetKafkaConfig", o => client.GetKafkaConfigAsync(new GetKafkaConfigRequest(), o), CallTimeout, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(r.ZookeeperConnect) ? null : r.ZookeeperConnect;
    }

    public async Task SetKafkaZooKeeperConnectAsync(OperationContext operation, string connect, CancellationToken cancellationToken)
    {
        var current = await CallAsync("GetKafkaConfig", o => client.GetKafkaConfigAsync(new GetKafkaConfigRequest(), o), CallTimeout, cancellationToken).ConfigureAwait(false);
        await CallAsync("SetKafkaZookeeperConnect", o => client.SetKafkaZookeeperConnectAsync(
            new SetKafkaZookeeperConnectRequest { Context = Context(operation), ZookeeperConnect = connect, ExpectedSha256 = current.File?.Sha256 ?? "*" }, o), CallTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> GetTenantConnectAsync(TenantConnect connect, CancellationToken cancellationToken)
    {
        if (connect.ConfigId is null)
        {
            return await GetKafkaZooKeeperConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        var r = await CallAsync("GetKafkaConfig", o => client.GetKafkaConfigAsync(new GetKafkaConfigRequest { TenantConfig = TenantConfigOf(connect) }, o), CallTimeout, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(r.ZookeeperConnect) ? null : r.ZookeeperConnect;
    }

    public async Task SetTenantConnectAsync(OperationContext operation, TenantConnect connect, string value, CancellationToken cancellationToken)
    {
        if (connect.ConfigId is null)
        {
            await SetKafkaZooKeeperConnectAsync(operation, value, cancellationToken).ConfigureAwait(false);
            return;
        }

        var reference = TenantConfigOf(connect);
        var current = await CallAsync("GetKafkaConfig", o => client.GetKafkaConfigAsync(new GetKafkaConfigRequest { TenantConfig = reference }, o), CallTimeout, cancellationToken).ConfigureAwait(false);
        await CallAsync("SetKafkaZookeeperConnect", o => client.SetKafkaZookeeperConnectAsync(
            new SetKafkaZookeeperConnectRequest { Context = Context(operation), ZookeeperConnect = value, ExpectedSha256 = current.File?.Sha256 ?? "*", TenantConfig = reference }, o), CallTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The wire form of <paramref name="connect"/>'s file and keys (also what <c>migrate check</c> renders with).</summary>
    internal static TenantConfigRef TenantConfigOf(TenantConnect connect) => new()
    {
        ConfigId = connect.ConfigId ?? "",
        Format = connect.Location.Format switch
        {
            ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.Properties => Agent.V1.ConnectStringFormat.Properties,
            ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.ShellEnv => Agent.V1.ConnectStringFormat.ShellEnv,
            ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.HadoopXml => Agent.V1.ConnectStringFormat.HadoopXml,
            ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.ClickHouseXml => Agent.V1.ConnectStringFormat.ClickhouseXml,
            _ => Agent.V1.ConnectStringFormat.Yaml,
        },
        Key = connect.Location.Key,
        PortKey = connect.Location.PortKey ?? "",
        ParentKey = connect.Location.ParentKey ?? "",
    };

    private ControlServiceRequest ControlRequest(string action) => new()
    {
        Action = action switch
        {
            "start" => ServiceAction.Start,
            "stop" => ServiceAction.Stop,
            "restart" => ServiceAction.Restart,
            _ => throw new ArgumentException($"unknown service action '{action}'", nameof(action)),
        },
        Timeout = Duration.FromTimeSpan(plan.Timeouts.ServerStart),
        Ready = ReadyCondition.Process,
    };

    private static MutationContext Context(OperationContext operation) =>
        new() { PlanId = operation.PlanId, OperationId = Truncate(operation.OperationId), LeaseHolder = operation.LeaseHolder };

    /// <summary>The agent accepts operation ids of at most 128 characters; long ids keep their unique tail.</summary>
    private static string Truncate(string id) =>
        id.Length <= 128 ? id : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..32] + id[^96..];

    private Task<T> CallAsync<T>(string name, Func<CallOptions, AsyncUnaryCall<T>> call, TimeSpan timeout, CancellationToken cancellationToken) =>
        retry.RunAsync(Address, name, async ct =>
        {
            using var response = call(new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: ct));
            return await response.ResponseAsync.ConfigureAwait(false);
        }, cancellationToken);
}
