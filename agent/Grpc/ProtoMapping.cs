using Google.Protobuf.WellKnownTypes;
using ZkMitosis.Agent.DataDir;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Firewall;
using ZkMitosis.Agent.Probes;
using ZkMitosis.Agent.Services;
using ZkMitosis.Agent.State;
using ZkMitosis.Agent.Status;
using ZkMitosis.Agent.V1;

namespace ZkMitosis.Agent.Grpc;

/// <summary>Domain results to proto messages and back. No logic beyond the mapping.</summary>
internal static class ProtoMapping
{
    public static ManagedFile ToProto(this ManagedFileInfo file) => new()
    {
        Kind = file.Kind,
        Path = file.Path,
        Exists = file.Exists,
        Sha256 = file.Sha256,
        Size = file.Size,
        ModifiedAt = file.ModifiedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
    };

    public static Lease? ToProto(this LeaseRecord? lease) => lease is null ? null : new Lease
    {
        PlanId = lease.PlanId,
        Holder = lease.Holder,
        AcquiredAt = Timestamp.FromDateTimeOffset(lease.AcquiredAt),
        ExpiresAt = Timestamp.FromDateTimeOffset(lease.ExpiresAt),
        DestinationHosts = { lease.DestinationHosts },
    };

    public static ServiceState ToProto(this ServiceRunState state) => state switch
    {
        ServiceRunState.Running => ServiceState.Running,
        ServiceRunState.Stopped => ServiceState.Stopped,
        _ => ServiceState.Unknown,
    };

    public static ZooKeeperMode ToProto(this LocalZooKeeperMode mode) => mode switch
    {
        LocalZooKeeperMode.Standalone => ZooKeeperMode.Standalone,
        LocalZooKeeperMode.Leader => ZooKeeperMode.Leader,
        LocalZooKeeperMode.Follower => ZooKeeperMode.Follower,
        LocalZooKeeperMode.Observer => ZooKeeperMode.Observer,
        LocalZooKeeperMode.NotServing => ZooKeeperMode.NotServing,
        LocalZooKeeperMode.Stopped => ZooKeeperMode.Stopped,
        _ => ZooKeeperMode.Unknown,
    };

    public static GetZooKeeperStatusResponse ToProto(this ZooKeeperLocalStatus status)
    {
        var response = new GetZooKeeperStatusResponse
        {
            Mode = status.Mode.ToProto(),
            Zxid = status.Zxid,
            Version = status.Version,
            Learners = (int)(status.Mntr?.Learners ?? 0),
            SyncedFollowers = (int)(status.Mntr?.SyncedFollowers ?? 0),
            SyncedObservers = (int)((status.Mntr?.SyncedObservers ?? 0) + (status.Mntr?.SyncedNonVotingFollowers ?? 0)),
            VotingMembers = status.VotingMembers,
            QuorumSize = status.QuorumSize,
            NodeCount = status.Srvr?.NodeCount ?? status.Mntr?.ZnodeCount ?? 0,
            OutstandingRequests = status.Srvr?.Outstanding ?? 0,
            ConnectionCount = status.Srvr?.Connections ?? 0,
            LastZxidOnDisk = status.LastZxidOnDisk,
            Source = status.Source,
            Error = status.Error,
            ServerId = status.ServerId,
            LatencyAvgMs = (long)(status.Srvr?.LatencyAvg ?? 0),
        };
        if (status.Mntr is not null)
        {
            foreach (var (key, value) in status.Mntr.Values)
            {
                response.Mntr[key] = value;
            }
        }

        foreach (var connection in status.Cons?.Connections ?? [])
        {
            response.Connections.Add(new ClientConnection
            {
                Address = connection.Address,
                Port = connection.Port,
                SessionId = connection.SessionId,
                Queued = connection.Queued,
                Received = connection.Received,
                Sent = connection.Sent,
                Raw = connection.Raw,
            });
        }

        return response;
    }

    public static InspectDataDirResponse ToProto(this DataDirInspection inspection)
    {
        var response = new InspectDataDirResponse
        {
            DataDir = inspection.DataDir,
            DataLogDir = inspection.DataLogDir,
            Empty = inspection.IsEmpty,
            MyidPresent = inspection.MyIdPresent,
            LastLoggedZxid = inspection.LastLoggedZxid,
            LastSnapshotZxid = inspection.LastSnapshotZxid,
            LastZxid = inspection.LastZxid,
            CurrentEpoch = inspection.CurrentEpoch,
            AcceptedEpoch = inspection.AcceptedEpoch,
        };
        response.Snapshots.Add(inspection.Snapshots.Select(ToProto));
        response.TxnLogs.Add(inspection.TxnLogs.Select(ToProto));
        response.OtherFiles.Add(inspection.OtherFiles);
        response.Warnings.Add(inspection.Warnings);
        return response;
    }

    public static DataFile ToProto(this DataDirFile file) => new() { Path = file.Path, Size = file.Size, NameZxid = file.NameZxid };

    public static FirewallRule ToProto(this FirewallRuleView rule)
    {
        var proto = new FirewallRule
        {
            Group = rule.Group,
            Direction = rule.Direction.ToProto(),
            Verdict = rule.Verdict,
            Peer = rule.Peer,
            Text = rule.Text,
        };
        proto.Ports.Add(rule.Ports.Select(p => (uint)p));
        return proto;
    }

    public static Direction ToProto(this FirewallDirection direction) => direction switch
    {
        FirewallDirection.Inbound => Direction.Inbound,
        FirewallDirection.Outbound => Direction.Outbound,
        _ => Direction.Both,
    };

    public static FirewallDirection ToDomain(this Direction direction) => direction switch
    {
        Direction.Inbound => FirewallDirection.Inbound,
        Direction.Outbound => FirewallDirection.Outbound,
        _ => FirewallDirection.Both,
    };

    public static ProbeOutcome ToProto(this ProbeOutcomeKind outcome) => outcome switch
    {
        ProbeOutcomeKind.Open => ProbeOutcome.Open,
        ProbeOutcomeKind.Refused => ProbeOutcome.Refused,
        ProbeOutcomeKind.Timeout => ProbeOutcome.Timeout,
        _ => ProbeOutcome.Unreachable,
    };

    public static ReadyCondition ToProto(this ServiceReadiness? readiness) => readiness switch
    {
        ServiceReadiness.Process => ReadyCondition.Process,
        ServiceReadiness.ElectionPort => ReadyCondition.ElectionPort,
        ServiceReadiness.Serving => ReadyCondition.Serving,
        _ => ReadyCondition.Unspecified,
    };

    public static ServiceReadiness ToDomain(this ReadyCondition condition) => condition switch
    {
        ReadyCondition.ElectionPort => ServiceReadiness.ElectionPort,
        ReadyCondition.Serving => ServiceReadiness.Serving,
        _ => ServiceReadiness.Process,
    };

    public static ControlServiceResponse ToProto(this ServiceControlResult result)
    {
        var response = new ControlServiceResponse
        {
            State = result.State.ToProto(),
            ActionStartedAt = Timestamp.FromDateTimeOffset(result.ActionStartedAt),
            StateReachedAt = Timestamp.FromDateTimeOffset(result.StateReachedAt),
            Elapsed = Duration.FromTimeSpan(result.Elapsed),
            Output = result.Output.Length > 4096 ? result.Output[..4096] : result.Output,
            Ready = result.ReadinessMet.ToProto(),
        };
        response.Pids.Add(result.Pids);
        return response;
    }

    public static TimeSpan? ToOptional(this Duration? duration) =>
        duration is null || (duration.Seconds == 0 && duration.Nanos == 0) ? null : duration.ToTimeSpan();
}
