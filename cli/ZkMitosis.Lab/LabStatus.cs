using System.Text.Json;
using System.Text.Json.Serialization;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab;

/// <summary>One host's state as <c>lab status</c> shows it.</summary>
public sealed record LabHostStatus
{
    public required string Name { get; init; }

    public required LabHostRole Role { get; init; }

    public required string Address { get; init; }

    /// <summary>False when the host's namespace is gone (a crashed or half-removed lab).</summary>
    public bool NamespaceExists { get; init; }

    /// <summary>Whether the host's main service (ZooKeeper, stand-in, tenant writer) runs.</summary>
    public bool ServiceRunning { get; init; }

    public int ServicePid { get; init; }

    /// <summary>ZooKeeper's mode from <c>srvr</c> (leader, follower, observer, standalone) or null.</summary>
    public string? ZooKeeperMode { get; init; }

    /// <summary>ZooKeeper's last zxid from <c>srvr</c>, as hex.</summary>
    public string? Zxid { get; init; }

    /// <summary>Whether the host's agent process runs (null: the host has no agent).</summary>
    public bool? AgentRunning { get; init; }

    /// <summary>Whether the agent accepts TCP connections on its gRPC port (null: no agent).</summary>
    public bool? AgentListening { get; init; }

    /// <summary>Whether the agent answered <c>Describe</c> over gRPC with the lab's coordinator certificate (null: no agent).</summary>
    public bool? AgentHealthy { get; init; }

    /// <summary>Why the agent did not answer, when it did not.</summary>
    public string? AgentProblem { get; init; }

    /// <summary>For a broker: whether the stand-in's state file says it is registered, its session and epoch.</summary>
    public bool? BrokerRegistered { get; init; }

    public long? BrokerEpoch { get; init; }

    public string? SessionId { get; init; }

    public int? SessionExpiries { get; init; }

    public string? ConnectedServer { get; init; }

    /// <summary>Peers this host is cut off from by <c>lab partition</c>.</summary>
    public IReadOnlyList<string> PartitionedFrom { get; init; } = [];
}

/// <summary>The whole lab's state.</summary>
public sealed record LabStatusReport(string Name, string State, string Subnet, string Directory, string? PlanPath, IReadOnlyList<LabHostStatus> Hosts)
{
    public string ToJson() => JsonSerializer.Serialize(this, LabStatusJsonContext.Default.LabStatusReport);
}

/// <summary>Collects <see cref="LabStatusReport"/>: pid files, <c>srvr</c>, agent ports, stand-in state files, firewall rules.</summary>
public static class LabStatus
{
    public static async Task<LabStatusReport> CollectAsync(Lab lab, CancellationToken cancellationToken)
    {
        var namespaces = (await IpCommands.ListNamespacesAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var hosts = await Task.WhenAll(lab.Hosts.Select(h => HostAsync(lab, h, namespaces.Contains(h.Namespace), cancellationToken))).ConfigureAwait(false);
        var m = lab.Manifest;
        return new LabStatusReport(m.Name, m.State, m.Subnet, m.Directory, m.PlanPath, hosts);
    }

    private static async Task<LabHostStatus> HostAsync(Lab lab, LabHost host, bool namespaceExists, CancellationToken cancellationToken)
    {
        var status = new LabHostStatus { Name = host.Name, Role = host.Role, Address = host.Address, NamespaceExists = namespaceExists };
        if (!namespaceExists)
        {
            return status;
        }

        var script = lab.Binaries.ServiceScript;
        var running = host.MainService is { } service && await ServiceControl.IsRunningAsync(script, host, service, cancellationToken).ConfigureAwait(false);
        status = status with
        {
            ServiceRunning = running,
            ServicePid = running ? ServiceControl.ReadPid(host, host.MainService!) : 0,
            PartitionedFrom = (await LabFirewall.PartitionedPeersAsync(host.Namespace, cancellationToken).ConfigureAwait(false))
                .Select(address => lab.Hosts.FirstOrDefault(h => h.Address == address)?.Name ?? address).ToList(),
        };

        if (host.AgentPort > 0)
        {
            // A refused connection answers at once; only a loaded machine needs the longer bound.
            var listening = await LabWait.CanConnectAsync(host.Address, host.AgentPort, cancellationToken, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            var (described, problem) = listening
                ? await LabAgents.DescribeAsync(lab.Manifest, host, TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false)
                : (null, "not listening");
            status = status with
            {
                AgentRunning = await ServiceControl.IsRunningAsync(script, host, HostLayout.AgentService, cancellationToken).ConfigureAwait(false),
                AgentListening = listening,
                AgentHealthy = described is not null,
                AgentProblem = problem,
            };
        }

        if (host.IsZooKeeperHost && running)
        {
            var probe = await ZooKeeperProbe.ProbeAsync(host.Address, host.ClientPort, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            status = status with { ZooKeeperMode = probe.Mode ?? "not serving", Zxid = probe.Zxid is { } z ? $"0x{z:x}" : null };
        }

        if (host.Role == LabHostRole.Broker && StandInStateReader.TryRead(host.Layout.StandInState) is { } state)
        {
            status = status with
            {
                BrokerRegistered = state.Registered && running,
                BrokerEpoch = state.BrokerEpoch,
                SessionId = state.SessionId,
                SessionExpiries = state.SessionExpiries,
                ConnectedServer = state.ConnectedServer,
            };
        }

        return status;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LabStatusReport))]
internal sealed partial class LabStatusJsonContext : JsonSerializerContext;
