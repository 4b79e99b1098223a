using Microsoft.Extensions.Logging;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab;

/// <summary>
/// A running lab: its manifest (hosts, addresses, agent endpoints, plan path) and the fault-injection
/// operations tests and rehearsals use. Disposing it takes the lab down.
/// </summary>
public sealed class Lab : IAsyncDisposable
{
    private readonly ILogger _logger;
    private bool _down;

    internal Lab(LabManifest manifest, LabBinaries binaries, ILogger logger)
    {
        Manifest = manifest;
        Binaries = binaries;
        _logger = logger;
    }

    public LabManifest Manifest { get; internal set; }

    public LabBinaries Binaries { get; }

    public string Name => Manifest.Name;

    public IReadOnlyList<LabHost> Hosts => Manifest.Hosts;

    /// <summary>The migration plan <c>lab up</c> wrote, or null when it wrote none.</summary>
    public string? PlanPath => Manifest.PlanPath;

    public string SourceConnectString => Manifest.SourceConnectString;

    public string DestinationConnectString => Manifest.DestinationConnectString;

    public LabHost Host(string name) => Manifest.Host(name);

    /// <summary>SIGKILLs the host's service (ZooKeeper, the stand-in or the tenant writer); with <paramref name="agentToo"/> also its agent.</summary>
    public async Task KillAsync(string hostName, bool agentToo = false, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        if (host.MainService is { } service)
        {
            LabLog.ServiceAction(_logger, Name, "kill", service, host.Name);
            await ServiceControl.KillAsync(Binaries.ServiceScript, host, service, cancellationToken).ConfigureAwait(false);
        }

        if (agentToo && host.AgentPort > 0)
        {
            LabLog.ServiceAction(_logger, Name, "kill", HostLayout.AgentService, host.Name);
            await ServiceControl.KillAsync(Binaries.ServiceScript, host, HostLayout.AgentService, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the host's service cleanly (SIGTERM, then SIGKILL after its grace).</summary>
    public async Task StopAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        if (host.MainService is { } service)
        {
            LabLog.ServiceAction(_logger, Name, "stop", service, host.Name);
            await ServiceControl.StopAsync(Binaries.ServiceScript, host, service, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts whatever of the host's agent and service is not running (a destination host's ZooKeeper too, if asked).</summary>
    public async Task StartAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        if (host.AgentPort > 0 && File.Exists(host.Layout.ServiceEnvironment(HostLayout.AgentService)))
        {
            LabLog.ServiceAction(_logger, Name, "start", HostLayout.AgentService, host.Name);
            await ServiceControl.StartAsync(Binaries.ServiceScript, host, HostLayout.AgentService, cancellationToken).ConfigureAwait(false);
        }

        if (host.MainService is { } service)
        {
            LabLog.ServiceAction(_logger, Name, "start", service, host.Name);
            await ServiceControl.StartAsync(Binaries.ServiceScript, host, service, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fault injection: every later start of the host's main service (by the lab or by its agent) waits
    /// <paramref name="delay"/> first, as a slow JVM start would; null removes the delay.
    /// </summary>
    public void SetStartDelay(string hostName, TimeSpan? delay)
    {
        var host = Host(hostName);
        var service = host.MainService ?? throw new LabException($"{host.Name} runs no service to delay");
        var file = host.Layout.StartDelayFile(service);
        if (delay is { } d)
        {
            File.WriteAllText(file, d.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "\n");
        }
        else
        {
            File.Delete(file);
        }
    }

    /// <summary>True when the host's main service runs.</summary>
    public Task<bool> IsRunningAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        return host.MainService is { } service
            ? ServiceControl.IsRunningAsync(Binaries.ServiceScript, host, service, cancellationToken)
            : Task.FromResult(false);
    }

    /// <summary>The pid of the host's main service, or 0.</summary>
    public int ServicePid(string hostName)
    {
        var host = Host(hostName);
        return host.MainService is { } service ? ServiceControl.ReadPid(host, service) : 0;
    }

    /// <summary>Cuts all traffic between <paramref name="hostName"/> and each of <paramref name="fromHosts"/> (rules inside the host's namespace).</summary>
    public async Task PartitionAsync(string hostName, IEnumerable<string> fromHosts, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        var peers = fromHosts.Select(Host).ToList();
        if (peers.Any(p => p.Name == host.Name))
        {
            throw new LabException($"cannot partition {host.Name} from itself");
        }

        if (Manifest.Ipv6)
        {
            // The lab's own partition rules are iptables (IPv4) rules; an IPv6 lab's traffic would pass them unseen.
            throw new LabException($"lab partition is not available on the IPv6 lab '{Manifest.Name}' (its rules are IPv4 only)");
        }

        await LabFirewall.PartitionAsync(host.Namespace, peers.Select(p => p.Address), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cuts the coordinator (anyone) off the host's agent: its gRPC port refuses connections until <see cref="HealAsync"/>.</summary>
    public async Task CutAgentAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        if (host.AgentPort <= 0)
        {
            throw new LabException($"{host.Name} runs no agent");
        }

        await LabFirewall.RefusePortAsync(host.Namespace, host.AgentPort, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGKILLs the host's agent alone (its service keeps running) and starts it again, as a crash and a systemd restart would.</summary>
    public async Task RestartAgentAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        LabLog.ServiceAction(_logger, Name, "kill", HostLayout.AgentService, host.Name);
        await ServiceControl.KillAsync(Binaries.ServiceScript, host, HostLayout.AgentService, cancellationToken).ConfigureAwait(false);
        LabLog.ServiceAction(_logger, Name, "start", HostLayout.AgentService, host.Name);
        await ServiceControl.StartAsync(Binaries.ServiceScript, host, HostLayout.AgentService, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the partition rules of <paramref name="hostName"/> for <paramref name="fromHosts"/>, or all of them when null.</summary>
    public async Task HealAsync(string hostName, IEnumerable<string>? fromHosts = null, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        await LabFirewall.HealAsync(host.Namespace, fromHosts?.Select(h => Host(h).Address).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the host's ZooKeeper serves clients; returns its mode.</summary>
    public async Task<string> WaitUntilServingAsync(string hostName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var host = Host(hostName);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var probe = await ZooKeeperProbe.ProbeAsync(host.Address, host.ClientPort, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            if (probe.IsServing)
            {
                return probe.Mode!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new LabException($"{host.Name} ({host.Address}:{host.ClientPort}) did not serve within {timeout.TotalSeconds:0} s: {probe.Problem}");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every host's state: a snapshot for <c>lab status</c> and for tests.</summary>
    public Task<LabStatusReport> StatusAsync(CancellationToken cancellationToken = default) =>
        LabStatus.CollectAsync(this, cancellationToken);

    /// <summary>Takes the lab down (idempotent).</summary>
    public async Task<LabDownReport> DownAsync(CancellationToken cancellationToken = default)
    {
        var report = await LabTeardown.DownAsync(Manifest, Manifest.Prefix, Manifest.Directory, _logger, cancellationToken).ConfigureAwait(false);
        _down = true;
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_down)
        {
            await DownAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
