using System.Diagnostics;
using System.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Barriers;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Firewall;
using ZkMitosis.Agent.Kafka;
using ZkMitosis.Agent.Probes;
using ZkMitosis.Agent.Services;
using ZkMitosis.Agent.State;
using ZkMitosis.Agent.Status;
using ZkMitosis.Agent.TenantConfig;
using ZkMitosis.Agent.V1;
using ZkMitosis.ZooKeeper.Config;
using V1Agent = ZkMitosis.Agent.V1.Agent;

namespace ZkMitosis.Agent.Grpc;

/// <summary>
/// The gRPC API (agent.proto): a thin adapter. It checks the request's shape, passes mutating calls through the
/// <see cref="OperationGate"/>, calls the injected services and maps their results.
/// </summary>
public sealed partial class AgentService : V1Agent.AgentBase
{
    private static readonly TimeSpan DefaultServiceTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultBarrierExpiry = TimeSpan.FromMinutes(5);

    private readonly AgentOptions _options;
    private readonly OperationGate _gate;
    private readonly LeaseManager _lease;
    private readonly ILocalZooKeeper _zooKeeper;
    private readonly ZooKeeperFiles _files;
    private readonly ServiceController _services;
    private readonly FirewallBackendSelector _firewall;
    private readonly BarrierRegistry _barriers;
    private readonly AtomicFileWriter _writer;
    private readonly AgentClock _clock;

    public AgentService(
        IOptions<AgentOptions> options,
        OperationGate gate,
        LeaseManager lease,
        ILocalZooKeeper zooKeeper,
        ZooKeeperFiles files,
        ServiceController services,
        FirewallBackendSelector firewall,
        BarrierRegistry barriers,
        AtomicFileWriter writer,
        AgentClock clock)
    {
        _options = options.Value;
        _gate = gate;
        _lease = lease;
        _zooKeeper = zooKeeper;
        _files = files;
        _services = services;
        _firewall = firewall;
        _barriers = barriers;
        _writer = writer;
        _clock = clock;
    }

    private ManagedService HostService => _options.IsKafka ? ManagedService.Kafka : ManagedService.ZooKeeper;

    public static string AgentVersion =>
        typeof(AgentService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    // ---- Reading ---------------------------------------------------------------------------------------------------

    public override async Task<DescribeResponse> Describe(DescribeRequest request, ServerCallContext context)
    {
        var response = new DescribeResponse
        {
            HostName = _options.EffectiveHostName,
            Role = _options.IsKafka ? Role.Kafka : Role.Zookeeper,
            AgentVersion = AgentVersion,
            KafkaVersion = _options.Kafka.Version ?? "",
            ServiceBackend = _options.Service.Backend,
            FirewallBackend = (await _firewall.GetAsync(context.CancellationToken).ConfigureAwait(false)).Name,
            Lease = _lease.Current.ToProto(),
            Insecure = _options.Insecure,
            StartedAt = Timestamp.FromDateTimeOffset(_clock.StartedAt),
            Now = Timestamp.FromDateTimeOffset(_clock.Time.GetUtcNow()),
        };
        response.Addresses.Add(_options.Addresses);
        if (_options.IsZooKeeper)
        {
            response.ManagedFiles.Add(_files.Describe().Select(f => f.ToProto()));
            if (File.Exists(_files.ConfigPath))
            {
                var config = _files.LoadConfig();
                response.DataDir = config.DataDir ?? "";
                response.DataLogDir = config.DataLogDir ?? "";
                response.ServerId = config.ReadMyId() ?? 0;
                var status = await _zooKeeper.ReadStatusAsync(false, TimeSpan.FromSeconds(1), context.CancellationToken).ConfigureAwait(false);
                response.ZookeeperVersion = status.Version;
            }
        }
        else
        {
            var path = _options.Kafka.ServerPropertiesPath;
            response.ManagedFiles.Add(ManagedFileInfo.Of("server.properties", path).ToProto());
            if (File.Exists(path))
            {
                response.ServerId = KafkaServerProperties.Read(await File.ReadAllTextAsync(path, context.CancellationToken).ConfigureAwait(false)).BrokerId;
            }
        }

        Services.ServiceStatus? service = null;
        try
        {
            service = await _services.StatusAsync(HostService, context.CancellationToken).ConfigureAwait(false);
            response.ServiceState = service.State.ToProto();
        }
        catch (Exception e) when (e is Processes.CommandFailedException or InvalidRequestException)
        {
            response.ServiceState = ServiceState.Unknown;
        }

        if (_options.IsZooKeeper)
        {
            var jute = Status.JuteMaxBufferReader.Read(service, _options.ZooKeeper.JvmOptionsFile);
            response.JuteMaxBuffer = jute.Bytes;
            response.JuteMaxBufferSource = jute.Source;
        }

        return response;
    }

    public override async Task<GetZooKeeperStatusResponse> GetZooKeeperStatus(GetZooKeeperStatusRequest request, ServerCallContext context)
    {
        RequireZooKeeper();
        var timeout = request.Timeout.ToOptional() ?? TimeSpan.FromMilliseconds(_options.ZooKeeper.FourLetterWordTimeoutMs);
        var status = await _zooKeeper.ReadStatusAsync(request.IncludeConnections, timeout, context.CancellationToken).ConfigureAwait(false);
        AgentMetrics.RecordZooKeeper(status);
        return status.ToProto();
    }

    public override Task<InspectDataDirResponse> InspectDataDir(InspectDataDirRequest request, ServerCallContext context)
    {
        RequireZooKeeper();
        var response = _zooKeeper.InspectDataDir().ToProto();
        response.DataDirFreeBytes = FreeSpace.AvailableBytes(response.DataDir);
        response.DataLogDirFreeBytes = FreeSpace.AvailableBytes(response.DataLogDir);
        return Task.FromResult(response);
    }

    public override async Task<ReadConfigResponse> ReadConfig(ReadConfigRequest request, ServerCallContext context)
    {
        var kind = string.IsNullOrEmpty(request.Kind) ? (_options.IsKafka ? "server.properties" : ZooKeeperFiles.ZooCfgKind) : request.Kind;
        var response = new ReadConfigResponse();
        switch (kind)
        {
            case ZooKeeperFiles.ZooCfgKind:
                RequireZooKeeper();
                var config = _files.LoadConfig();
                response.Main = await ReadFileAsync(ZooKeeperFiles.ZooCfgKind, config.Path, context.CancellationToken).ConfigureAwait(false);
                if (config.DynamicPath is { } dynamic && File.Exists(dynamic))
                {
                    response.Dynamic = await ReadFileAsync(ZooKeeperFiles.DynamicKind, dynamic, context.CancellationToken).ConfigureAwait(false);
                }

                if (config.MyIdPath is { } myId && File.Exists(myId))
                {
                    response.Myid = await ReadFileAsync(ZooKeeperFiles.MyIdKind, myId, context.CancellationToken).ConfigureAwait(false);
                }

                foreach (var (key, value) in config.Main.Entries)
                {
                    response.Properties[key] = value;
                }

                break;
            case "server.properties":
                RequireKafka();
                var path = _options.Kafka.ServerPropertiesPath;
                if (!File.Exists(path))
                {
                    throw new PreconditionFailedException("CONFIG", path, $"{path} does not exist (Kafka.ServerPropertiesPath).");
                }

                response.Main = await ReadFileAsync("server.properties", path, context.CancellationToken).ConfigureAwait(false);
                foreach (var (key, value) in PropertiesText.Parse(response.Main.Content).Entries)
                {
                    response.Properties[key] = value;
                }

                break;
            default:
                throw new InvalidRequestException("kind", $"'{request.Kind}' is not a config kind; use 'zoo.cfg' or 'server.properties'");
        }

        return response;
    }

    public override async Task<GetKafkaConfigResponse> GetKafkaConfig(GetKafkaConfigRequest request, ServerCallContext context)
    {
        RequireKafka();
        if (TenantConfigFile.Resolve(request.TenantConfig, _options) is { } tenant)
        {
            var tenantConnect = await tenant.ReadConnectAsync(context.CancellationToken).ConfigureAwait(false);
            return new GetKafkaConfigResponse { File = ManagedFileInfo.Of(tenant.Id, tenant.Path).ToProto(), ZookeeperConnect = tenantConnect, BrokerId = -1 };
        }

        var path = _options.Kafka.ServerPropertiesPath;
        if (!File.Exists(path))
        {
            throw new PreconditionFailedException("CONFIG", path, $"{path} does not exist (Kafka.ServerPropertiesPath).");
        }

        var (connect, brokerId) = KafkaServerProperties.Read(await File.ReadAllTextAsync(path, context.CancellationToken).ConfigureAwait(false));
        return new GetKafkaConfigResponse { File = ManagedFileInfo.Of("server.properties", path).ToProto(), ZookeeperConnect = connect, BrokerId = brokerId };
    }

    public override async Task<ListFirewallResponse> ListFirewall(ListFirewallRequest request, ServerCallContext context)
    {
        var backend = await _firewall.GetAsync(context.CancellationToken).ConfigureAwait(false);
        var listing = await backend.ListAsync(context.CancellationToken).ConfigureAwait(false);
        var response = new ListFirewallResponse { Backend = listing.Backend, Raw = listing.Raw };
        response.Rules.Add(listing.Rules.Select(r => r.ToProto()));
        return response;
    }

    public override async Task<ProbeResponse> Probe(ProbeRequest request, ServerCallContext context)
    {
        var timeout = request.Timeout.ToOptional() ?? TimeSpan.FromSeconds(2);
        if (timeout > TimeSpan.FromSeconds(60) || timeout < TimeSpan.Zero)
        {
            throw new InvalidRequestException("timeout", $"{timeout} is outside 0-60 s");
        }

        if (request.Targets.Count == 0)
        {
            throw new InvalidRequestException("targets", "at least one target is required");
        }

        for (var i = 0; i < request.Targets.Count; i++)
        {
            var target = request.Targets[i];
            if (string.IsNullOrWhiteSpace(target.Host) || target.Port is 0 or > 65535)
            {
                throw new InvalidRequestException($"targets[{i}]", $"'{target.Host}:{target.Port}' is not host:port");
            }
        }

        var results = await TcpProber.ProbeAllAsync(request.Targets.Select(t => (t.Host, (int)t.Port)), timeout, context.CancellationToken).ConfigureAwait(false);
        var response = new ProbeResponse();
        response.Results.Add(results.Select(r => new ProbeResult
        {
            Target = new ProbeTarget { Host = r.Host, Port = (uint)r.Port },
            Outcome = r.Outcome.ToProto(),
            Elapsed = Duration.FromTimeSpan(r.Elapsed),
            Detail = r.Detail,
        }));
        return response;
    }

    public override Task<GetOperationResponse> GetOperation(GetOperationRequest request, ServerCallContext context)
    {
        Identifiers.RequireId("operation_id", request.OperationId);
        var record = _gate.Describe(request.OperationId) ?? throw new OperationNotFoundException(request.OperationId);
        var response = new GetOperationResponse
        {
            OperationId = record.OperationId,
            PlanId = record.PlanId,
            Method = record.Method,
            PerformedAt = Timestamp.FromDateTimeOffset(record.AcceptedAt),
        };
        switch (record.Status)
        {
            case OperationStates.Done:
                response.Status = OperationStatus.Done;
                response.ResponseJson = record.ResponseJson ?? "";
                break;
            case OperationStates.Failed:
                response.Status = OperationStatus.Failed;
                response.Error = $"{(StatusCode)(record.ErrorCode ?? (int)StatusCode.Unknown)}: {record.ErrorMessage}";
                break;
            case OperationStates.Accepted:
                response.Status = OperationStatus.Running;
                break;
            default:
                response.Status = OperationStatus.Interrupted;
                response.Error = $"{record.Method} accepted at {record.AcceptedAt:O} by an agent process that ended before it finished; its effect is unknown";
                break;
        }

        return Task.FromResult(response);
    }

    // ---- Lease -----------------------------------------------------------------------------------------------------

    public override Task<LeaseResponse> AcquireLease(AcquireLeaseRequest request, ServerCallContext context)
    {
        // A renewal (every few seconds while a plan runs) must not list the whole operations directory: prune only when
        // a plan starts or resumes after its lease lapsed, so an agent that runs for months still prunes per plan.
        var renewal = _lease.Current?.PlanId == request.PlanId;
        var lease = _lease.Acquire(request.PlanId, request.Holder, request.Ttl.ToOptional(), request.TakeOver, request.DestinationHosts);
        if (!renewal)
        {
            _gate.PruneFinished();
        }

        return Task.FromResult(new LeaseResponse { Lease = lease.ToProto() });
    }

    public override Task<LeaseResponse> ReleaseLease(ReleaseLeaseRequest request, ServerCallContext context)
    {
        _lease.Release(request.PlanId, request.Holder);
        return Task.FromResult(new LeaseResponse());
    }

    // ---- Mutating --------------------------------------------------------------------------------------------------

    public override Task<WriteFileResponse> WriteZooConfig(WriteZooConfigRequest request, ServerCallContext context)
    {
        RequireZooKeeper();
        return _gate.RunAsync(nameof(WriteZooConfig), request.Context, request, _ =>
        {
            var edit = request.ChangeCase == WriteZooConfigRequest.ChangeOneofCase.Edit
                ? new ZooCfgEdit(request.Edit.Set, request.Edit.Remove)
                : null;
            var content = request.ChangeCase == WriteZooConfigRequest.ChangeOneofCase.Content ? request.Content : null;
            var results = _files.WriteConfig(request.ExpectedSha256, content, edit, request.HasDynamicContent ? request.DynamicContent : null, request.ExpectedDynamicSha256, request.SourceSecurity);
            var response = ToWriteResponse(results);
            foreach (var file in response.Files.Where(f => f.Path == _files.DynamicPath))
            {
                file.Kind = ZooKeeperFiles.DynamicKind;
            }

            return Task.FromResult(response);
        }, (r, info) => r.Operation = info, context.CancellationToken);
    }

    public override Task<WriteFileResponse> WriteMyId(WriteMyIdRequest request, ServerCallContext context)
    {
        RequireZooKeeper();
        return _gate.RunAsync(nameof(WriteMyId), request.Context, request,
            _ => Task.FromResult(ToWriteResponse([_files.WriteMyId(request.ServerId, request.ExpectedSha256)])),
            (r, info) => r.Operation = info, context.CancellationToken);
    }

    public override Task<ResetDataDirResponse> ResetDataDir(ResetDataDirRequest request, ServerCallContext context)
    {
        RequireZooKeeper();
        return _gate.RunAsync(nameof(ResetDataDir), request.Context, request, async cancellationToken =>
        {
            // The destination list comes from the live lease of this call's plan, stored when it was taken: a list in
            // the request would be the caller's word.
            var names = new HashSet<string>(_options.Addresses.Append(_options.EffectiveHostName), StringComparer.OrdinalIgnoreCase);
            var lease = _lease.Current;
            var destinations = lease is not null && lease.PlanId == request.Context.PlanId ? lease.DestinationHosts : [];
            if (!destinations.Any(names.Contains))
            {
                throw new PreconditionFailedException("PLAN", _options.EffectiveHostName,
                    $"this host ({string.Join(", ", names)}) is not among the destination hosts of plan '{request.Context.PlanId}'s lease ({string.Join(", ", destinations)}); only a destination's data dir may be reset.");
            }

            var status = await _services.StatusAsync(ManagedService.ZooKeeper, cancellationToken).ConfigureAwait(false);
            if (status.State != ServiceRunState.Stopped)
            {
                throw new PreconditionFailedException("SERVICE_STATE", "zookeeper", $"ZooKeeper is {status.State} here; stop it before resetting its data dir.");
            }

            var response = new ResetDataDirResponse();
            response.Removed.Add(_files.ResetDataDir(request.RemoveMyid));
            return response;
        }, (r, info) => r.Operation = info, context.CancellationToken);
    }

    public override async Task<ControlServiceResponse> ControlService(ControlServiceRequest request, ServerCallContext context)
    {
        var service = ServiceOf(request.Service);
        if (request.Action == ServiceAction.Status && (request.Context is null || string.IsNullOrEmpty(request.Context.OperationId)))
        {
            return await DoControlAsync(request, service, context.CancellationToken).ConfigureAwait(false);
        }

        return await _gate.RunAsync(nameof(ControlService), request.Context, request,
            cancellationToken => DoControlAsync(request, service, cancellationToken),
            (r, info) => r.Operation = info, context.CancellationToken).ConfigureAwait(false);
    }

    public override Task<WriteFileResponse> SetKafkaZookeeperConnect(SetKafkaZookeeperConnectRequest request, ServerCallContext context)
    {
        RequireKafka();
        KafkaServerProperties.Validate(request.ZookeeperConnect);
        var tenant = TenantConfigFile.Resolve(request.TenantConfig, _options);
        return _gate.RunAsync(nameof(SetKafkaZookeeperConnect), request.Context, request, async cancellationToken =>
        {
            if (tenant is not null)
            {
                // Read, edit and check all happen before the write: a missing or duplicated key leaves the file as it was.
                var edited = await tenant.EditAsync(request.ZookeeperConnect, cancellationToken).ConfigureAwait(false);
                var written = ToWriteResponse([_writer.Write(tenant.Path, edited, request.ExpectedSha256)]);
                written.Files[0].Kind = tenant.Id;
                return written;
            }

            var path = _options.Kafka.ServerPropertiesPath;
            if (!File.Exists(path))
            {
                throw new PreconditionFailedException("CONFIG", path, $"{path} does not exist (Kafka.ServerPropertiesPath).");
            }

            var current = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            var result = _writer.Write(path, KafkaServerProperties.WithZookeeperConnect(current, request.ZookeeperConnect), request.ExpectedSha256);
            var response = ToWriteResponse([result]);
            response.Files[0].Kind = "server.properties";
            return response;
        }, (r, info) => r.Operation = info, context.CancellationToken);
    }

    public override Task<FirewallResponse> Isolate(IsolateRequest request, ServerCallContext context)
    {
        var spec = ToSpec(request);
        return _gate.RunAsync(nameof(Isolate), request.Context, request,
            cancellationToken => DoIsolateAsync(spec, cancellationToken),
            (r, info) => r.Operation = info, context.CancellationToken);
    }

    public override Task<FirewallResponse> Heal(HealRequest request, ServerCallContext context)
    {
        var group = ToHealGroup(request);
        return _gate.RunAsync(nameof(Heal), request.Context, request,
            cancellationToken => DoHealAsync(group, cancellationToken),
            (r, info) => r.Operation = info, context.CancellationToken);
    }

    // ---- Barrier ---------------------------------------------------------------------------------------------------

    public override Task<ArmBarrierResponse> ArmBarrier(ArmBarrierRequest request, ServerCallContext context)
    {
        RequireId("barrier_id", request.BarrierId);
        // Arming changes nothing outside this process: a repeat arms again (rerunnable) instead of answering "armed" from a
        // record while an agent restart has emptied the registry.
        return _gate.RunAsync(nameof(ArmBarrier), request.Context, request, async cancellationToken =>
        {
            var action = request.Action ?? throw new InvalidRequestException("action", "required");
            switch (action.ActionCase)
            {
                case BarrierAction.ActionOneofCase.ControlService:
                    // Everything the fire would refuse is refused now, while nothing has happened yet.
                    try
                    {
                        _services.Backend(ServiceOf(action.ControlService.Service), ParseControl(action.ControlService).KillAfter);
                    }
                    catch (InvalidRequestException e)
                    {
                        throw new InvalidRequestException("action.control_service." + e.Field, e.Description);
                    }

                    break;
                case BarrierAction.ActionOneofCase.Isolate:
                    (await _firewall.GetAsync(cancellationToken).ConfigureAwait(false)).Validate(ToSpec(action.Isolate));
                    break;
                case BarrierAction.ActionOneofCase.Heal:
                    ToHealGroup(action.Heal);
                    await _firewall.GetAsync(cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidRequestException("action", "one of control_service, isolate, heal is required");
            }

            var now = _clock.Time.GetUtcNow();
            var expires = now + (request.ExpiresAfter.ToOptional() ?? DefaultBarrierExpiry);
            _barriers.Arm(new ArmedBarrier(request.BarrierId, request.Context.PlanId, action, now, expires));
            return new ArmBarrierResponse { BarrierId = request.BarrierId, ArmedAt = Timestamp.FromDateTimeOffset(now), ExpiresAt = Timestamp.FromDateTimeOffset(expires) };
        }, (r, info) => r.Operation = info, context.CancellationToken, rerunnable: true);
    }

    public override Task<FireBarrierResponse> FireBarrier(FireBarrierRequest request, ServerCallContext context)
    {
        var received = Stopwatch.GetTimestamp();
        RequireId("barrier_id", request.BarrierId);
        return _gate.RunAsync(nameof(FireBarrier), request.Context, request, async cancellationToken =>
        {
            var barrier = _barriers.Take(request.BarrierId, request.Context.PlanId);
            var startedWall = _clock.Time.GetUtcNow();
            var startedMonotonic = Stopwatch.GetTimestamp();
            var response = new FireBarrierResponse
            {
                BarrierId = request.BarrierId,
                StartedAt = Timestamp.FromDateTimeOffset(startedWall),
                StartedMonotonicNs = AgentClock.ToNanoseconds(startedMonotonic),
                FireLatency = Duration.FromTimeSpan(Stopwatch.GetElapsedTime(received, startedMonotonic)),
            };
            switch (barrier.Action.ActionCase)
            {
                case BarrierAction.ActionOneofCase.ControlService:
                    var control = barrier.Action.ControlService;
                    response.ControlService = await DoControlAsync(control, ServiceOf(control.Service), cancellationToken).ConfigureAwait(false);
                    break;
                case BarrierAction.ActionOneofCase.Isolate:
                    response.Firewall = await DoIsolateAsync(ToSpec(barrier.Action.Isolate), cancellationToken).ConfigureAwait(false);
                    break;
                case BarrierAction.ActionOneofCase.Heal:
                    response.Firewall = await DoHealAsync(ToHealGroup(barrier.Action.Heal), cancellationToken).ConfigureAwait(false);
                    break;
            }

            return response;
        }, (r, info) => r.Operation = info, context.CancellationToken);
    }

    public override Task<CancelBarrierResponse> CancelBarrier(CancelBarrierRequest request, ServerCallContext context)
    {
        RequireId("barrier_id", request.BarrierId);
        return _gate.RunAsync(nameof(CancelBarrier), request.Context, request,
            _ => Task.FromResult(new CancelBarrierResponse { WasArmed = _barriers.Cancel(request.BarrierId) }),
            (r, info) => r.Operation = info, context.CancellationToken);
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------------

    private async Task<ControlServiceResponse> DoControlAsync(ControlServiceRequest request, ManagedService service, CancellationToken cancellationToken)
    {
        var control = ParseControl(request);
        var result = await _services.ControlAsync(service, control.Action, control.Timeout, request.Ready.ToDomain(), control.KillAfter, cancellationToken).ConfigureAwait(false);
        return result.ToProto();
    }

    /// <summary>A ControlService request's action, timeout and kill_after, validated together (for a call and for an armed barrier).</summary>
    private static (ServiceControlAction Action, TimeSpan Timeout, TimeSpan? KillAfter) ParseControl(ControlServiceRequest request)
    {
        var action = request.Action switch
        {
            ServiceAction.Start => ServiceControlAction.Start,
            ServiceAction.Stop => ServiceControlAction.Stop,
            ServiceAction.Restart => ServiceControlAction.Restart,
            ServiceAction.Status => ServiceControlAction.Status,
            _ => throw new InvalidRequestException("action", "one of START, STOP, RESTART, STATUS is required"),
        };
        var timeout = request.Timeout.ToOptional() ?? DefaultServiceTimeout;
        if (timeout > TimeSpan.FromMinutes(30) || timeout < TimeSpan.Zero)
        {
            throw new InvalidRequestException("timeout", $"{timeout} is outside 0-30 min");
        }

        var killAfter = request.KillAfter.ToOptional();
        if (killAfter is { } grace && (action is not (ServiceControlAction.Stop or ServiceControlAction.Restart) || grace <= TimeSpan.Zero || grace >= timeout))
        {
            throw new InvalidRequestException("kill_after", $"{grace} is only for STOP and RESTART, above zero and below the timeout ({timeout})");
        }

        return (action, timeout, killAfter);
    }

    private async Task<FirewallResponse> DoIsolateAsync(IsolationSpec spec, CancellationToken cancellationToken)
    {
        var backend = await _firewall.GetAsync(cancellationToken).ConfigureAwait(false);
        var changed = await backend.ApplyAsync(spec, cancellationToken).ConfigureAwait(false);
        return await FirewallResponseAsync(backend, changed, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FirewallResponse> DoHealAsync(string? group, CancellationToken cancellationToken)
    {
        var backend = await _firewall.GetAsync(cancellationToken).ConfigureAwait(false);
        var changed = await backend.RemoveAsync(group, cancellationToken).ConfigureAwait(false);
        return await FirewallResponseAsync(backend, changed, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<FirewallResponse> FirewallResponseAsync(IFirewallBackend backend, bool changed, CancellationToken cancellationToken)
    {
        var listing = await backend.ListAsync(cancellationToken).ConfigureAwait(false);
        var response = new FirewallResponse { Backend = backend.Name, Changed = changed };
        response.Rules.Add(listing.Rules.Select(r => r.ToProto()));
        return response;
    }

    private static IsolationSpec ToSpec(IsolateRequest request) =>
        IsolationSpec.Create(request.Group, request.Peers, request.Ports, request.Direction.ToDomain(), request.AllowOnly);

    private static string? ToHealGroup(HealRequest request)
    {
        if (string.IsNullOrEmpty(request.Group))
        {
            return null;
        }

        IsolationSpec.ValidateGroup(request.Group);
        return request.Group;
    }

    private ManagedService ServiceOf(ServiceKind kind) => kind switch
    {
        ServiceKind.Zookeeper => ManagedService.ZooKeeper,
        ServiceKind.Kafka => ManagedService.Kafka,
        _ => HostService,
    };

    private static WriteFileResponse ToWriteResponse(IEnumerable<FileWriteResult> results)
    {
        var response = new WriteFileResponse();
        foreach (var result in results)
        {
            var kind = Path.GetFileName(result.Path) == "myid" ? ZooKeeperFiles.MyIdKind : ZooKeeperFiles.ZooCfgKind;
            response.Files.Add(ManagedFileInfo.Of(kind, result.Path).ToProto());
            if (result.BackupPath is not null)
            {
                response.Backups.Add(result.BackupPath);
            }

            response.Changed |= result.Changed;
        }

        return response;
    }

    private static async Task<ConfigFile> ReadFileAsync(string kind, string path, CancellationToken cancellationToken) => new()
    {
        File = ManagedFileInfo.Of(kind, path).ToProto(),
        Content = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false),
    };

    private static void RequireId(string field, string value) => Identifiers.RequireId(field, value);

    private void RequireZooKeeper()
    {
        if (!_options.IsZooKeeper)
        {
            throw new UnsupportedOnThisHostException(_options.Role, $"this host's agent has role '{_options.Role}'; the call needs a ZooKeeper host");
        }
    }

    private void RequireKafka()
    {
        if (!_options.IsKafka)
        {
            throw new UnsupportedOnThisHostException(_options.Role, $"this host's agent has role '{_options.Role}'; the call needs a Kafka host");
        }
    }
}
