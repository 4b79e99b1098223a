using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;
using ZkMitosis.Lab.Security;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab;

/// <summary>
/// Entry point of the lab library: <see cref="UpAsync(LabSpec, ILogger?, CancellationToken)"/> builds a lab and returns a <see cref="Lab"/> whose
/// <see cref="Lab.DisposeAsync"/> takes it down again; <see cref="Open"/> finds a running one.
/// </summary>
public static class LabCluster
{
    /// <summary>
    /// Builds the lab of <paramref name="spec"/>: checks everything first (nothing is created when a check fails),
    /// writes the manifest, then the network, host trees, the source ensemble, agents, the populated tree, the other
    /// tenant's writer, the broker stand-ins and the plan. On any failure it removes what it built and rethrows.
    /// </summary>
    public static Task<Lab> UpAsync(LabSpec spec, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        UpAsync(spec, LabPreflight.LabMachineFacts.Current, logger, cancellationToken);

    internal static async Task<Lab> UpAsync(LabSpec spec, LabPreflight.LabMachineFacts machine, ILogger? logger, CancellationToken cancellationToken)
    {
        logger ??= NullLogger.Instance;
        var binaries = await LabPreflight.CheckAsync(spec, machine, cancellationToken).ConfigureAwait(false)
            ?? throw new LabException("lab binaries could not be resolved");
        var manifest = LabTopology.Compose(spec);
        var stopwatch = Stopwatch.StartNew();
        LabLog.Building(logger, manifest.Name, manifest.Hosts.Count, manifest.Subnet, manifest.Directory);
        manifest.Save();
        var lab = new Lab(manifest, binaries, logger);
        try
        {
            await BuildNetworkAsync(manifest, cancellationToken).ConfigureAwait(false);
            LabLog.NetworkReady(logger, manifest.Name, manifest.Bridge, manifest.Hosts.Count, stopwatch.ElapsedMilliseconds);

            WriteHostFiles(spec, manifest, binaries);
            await LabServices.StartAgentsAsync(lab, spec, logger, stopwatch, cancellationToken).ConfigureAwait(false);
            await StartSourceAsync(lab, spec, cancellationToken).ConfigureAwait(false);
            LabLog.SourceServing(logger, manifest.Name, string.Join(",", manifest.HostsWithRole(LabHostRole.Source).Select(h => h.Name)), stopwatch.ElapsedMilliseconds);

            lab = await LabServices.StartRestAsync(lab, spec, logger, stopwatch, cancellationToken).ConfigureAwait(false);
            lab.Manifest = lab.Manifest with { State = "up" };
            lab.Manifest.Save();
            LabLog.Up(logger, manifest.Name, stopwatch.ElapsedMilliseconds, manifest.FilePath);
            return lab;
        }
        catch (Exception e)
        {
            LabLog.UpFailed(logger, e, manifest.Name);
            try
            {
                await LabTeardown.DownAsync(lab.Manifest, manifest.Prefix, manifest.Directory, logger, CancellationToken.None).ConfigureAwait(false);
            }
            catch (LabException cleanup)
            {
                throw new LabException($"lab up failed ({e.Message}) and so did removing what it built ({cleanup.Message}); run lab down --name {manifest.Name}", e);
            }

            throw;
        }
    }

    /// <summary>The running lab named <paramref name="name"/> (its manifest in <paramref name="directory"/> or the default place).</summary>
    public static Lab Open(string name, string? directory = null, ILogger? logger = null)
    {
        var manifest = LabManifest.Load(directory ?? LabSpec.DefaultDirectory(name));
        return new Lab(manifest, LabBinaries.Resolve(null, null), logger ?? NullLogger.Instance);
    }

    private static async Task BuildNetworkAsync(LabManifest manifest, CancellationToken cancellationToken)
    {
        await IpCommands.AddBridgeAsync(manifest.Bridge, manifest.RootAddress, cancellationToken).ConfigureAwait(false);
        foreach (var host in manifest.Hosts)
        {
            await IpCommands.AddNamespaceAsync(host.Namespace, cancellationToken).ConfigureAwait(false);
        }

        // Before anything runs in a namespace: ip netns exec binds /etc/netns/NS/hosts at each exec.
        LabHostNames.Write(manifest);

        await Task.WhenAll(manifest.Hosts.Select(host => IpCommands.AddHostLinkAsync(host.Veth, host.Namespace, manifest.Bridge, host.Address, cancellationToken))).ConfigureAwait(false);
    }

    private static void WriteHostFiles(LabSpec spec, LabManifest manifest, LabBinaries binaries)
    {
        var source = manifest.HostsWithRole(LabHostRole.Source).ToList();
        var destination = manifest.HostsWithRole(LabHostRole.Destination).ToList();
        if (manifest.Secure)
        {
            LabSecurity.Prepare(manifest);
        }

        foreach (var host in manifest.Hosts)
        {
            host.Layout.Create();
            switch (host.Role)
            {
                case LabHostRole.Source:
                    ZooKeeperHostFiles.Write(host, source, ZooKeeperOptions(spec, manifest, host), SystemProperties(spec.SourceSystemProperties, manifest, host), spec.ZooKeeperHeap);
                    break;
                case LabHostRole.Destination:
                    ZooKeeperHostFiles.Write(host, destination, ZooKeeperOptions(spec, manifest, host), SystemProperties(spec.DestinationSystemProperties, manifest, host), spec.ZooKeeperHeap);
                    break;
                case LabHostRole.Broker:
                    KafkaHostFiles.Write(host, manifest.SourceTenantConnectString + manifest.Chroot, spec.BrokerSessionTimeoutMs, binaries, spec.RackOf(host.BrokerId!.Value), spec.BrokerWriteIntervalMs, manifest.Secure);
                    break;
                case LabHostRole.Tenant:
                    TenantHostFiles.Write(host, manifest.Secure ? manifest.SourceTenantConnectString : manifest.SourceConnectString, binaries, manifest.Secure);
                    break;
                case LabHostRole.TenantProduct:
                    TenantProductHostFiles.Write(host, source, binaries);
                    break;
            }
        }
    }

    /// <summary>The host's zoo.cfg additions: a secured lab's security lines (<see cref="LabSecurity.ZooCfgOptions"/>), then the user's, which win.</summary>
    private static Dictionary<string, string> ZooKeeperOptions(LabSpec spec, LabManifest manifest, LabHost host) =>
        Overlay(manifest.Secure ? LabSecurity.ZooCfgOptions(host) : null, spec.ZooKeeperOptions);

    /// <summary>The host's JVM system properties: a secured lab's JAAS file, then the spec's, which win.</summary>
    private static Dictionary<string, string> SystemProperties(IReadOnlyDictionary<string, string> fromSpec, LabManifest manifest, LabHost host) =>
        Overlay(manifest.Secure ? LabSecurity.SystemProperties(host) : null, fromSpec);

    /// <summary><paramref name="lab"/>'s entries (none when null) with <paramref name="user"/>'s set over them.</summary>
    private static Dictionary<string, string> Overlay(IReadOnlyDictionary<string, string>? lab, IReadOnlyDictionary<string, string> user)
    {
        var merged = lab is null ? [] : new Dictionary<string, string>(lab);
        foreach (var (key, value) in user)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static async Task StartSourceAsync(Lab lab, LabSpec spec, CancellationToken cancellationToken)
    {
        var source = lab.Manifest.HostsWithRole(LabHostRole.Source).ToList();
        await Task.WhenAll(source.Select(h => ServiceControl.StartAsync(lab.Binaries.ServiceScript, h, HostLayout.ZooKeeperService, cancellationToken))).ConfigureAwait(false);
        await ZooKeeperProbe.WaitForEnsembleAsync(source.Select(h => (h.Name, h.Address, h.ClientPort)).ToList(), spec.StartTimeout, () => DeadServer(source), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why a ZooKeeper server that was started is no longer running (with its log's tail), or null.</summary>
    private static string? DeadServer(IEnumerable<LabHost> hosts)
    {
        foreach (var host in hosts)
        {
            var pid = ServiceControl.ReadPid(host, HostLayout.ZooKeeperService);
            if (pid == 0 || !Servers.ProcessSignals.IsAliveAndNotZombie(pid))
            {
                var log = host.Layout.LogFile(HostLayout.ZooKeeperService);
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no log)";
                return $"ZooKeeper on {host.Name} exited while starting; last lines of {log}:\n{tail}";
            }
        }

        return null;
    }
}
