using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Plans;
using ZkMitosis.Lab.Populate;
using ZkMitosis.Lab.Security;
using ZkMitosis.Lab.Services;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Lab;

/// <summary>The parts of <c>lab up</c> after the source ensemble serves: agents, populate, tenant writer, stand-ins, plan.</summary>
internal static class LabServices
{
    /// <summary>Certificates, agent configs, and the agents started (not waited for): they need no ZooKeeper, so their start overlaps the ensemble's.</summary>
    public static async Task StartAgentsAsync(Lab lab, LabSpec spec, ILogger logger, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var manifest = lab.Manifest;
        var script = lab.Binaries.ServiceScript;
        var agentHosts = manifest.Hosts.Where(h => h.AgentPort > 0).ToList();
        if (agentHosts.Count > 0)
        {
            var tls = LabCertificates.Prepare(manifest, agentHosts, spec.InsecureAgents);
            lab.Manifest = manifest = tls.Manifest;
            manifest.Save();
            if (tls.Insecure)
            {
                LabLog.AgentsInsecure(logger, manifest.Name);
            }

            foreach (var host in agentHosts)
            {
                AgentHostFiles.Write(host, lab.Binaries, tls.ForHost(host));
            }

            // Started now, waited for last: their JVM-free start overlaps with populating and the stand-ins.
            await Task.WhenAll(agentHosts.Select(h => ServiceControl.StartAsync(script, h, HostLayout.AgentService, cancellationToken))).ConfigureAwait(false);
            LabLog.StepDone(logger, manifest.Name, "agents started", stopwatch.ElapsedMilliseconds);
        }
    }

    public static async Task<Lab> StartRestAsync(Lab lab, LabSpec spec, ILogger logger, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var manifest = lab.Manifest;
        var script = lab.Binaries.ServiceScript;
        var agentHosts = manifest.Hosts.Where(h => h.AgentPort > 0).ToList();
        if (spec.Populate)
        {
            // A secured lab's tree is the owner's, with Kafka's ACLs, written over TLS as the brokers would (by address:
            // this process does not see a named lab's hosts file).
            var (connect, security) = manifest.Secure
                ? (manifest.SourceTenantPortsByAddress, LabSecurity.OwnerSecurity(manifest))
                : (manifest.SourceConnectString, ZooKeeperSecurity.None);
            await LabPopulator.PopulateAsync(connect, manifest.Chroot, spec.Topics, spec.PartitionsPerTopic, spec.Brokers, cancellationToken, security).ConfigureAwait(false);
            LabLog.StepDone(logger, manifest.Name, "populate", stopwatch.ElapsedMilliseconds);
            foreach (var tenant in manifest.HostsWithRole(LabHostRole.Tenant))
            {
                await ServiceControl.StartAsync(script, tenant, HostLayout.TenantService, cancellationToken).ConfigureAwait(false);
            }
        }

        var brokers = manifest.HostsWithRole(LabHostRole.Broker).ToList();
        if (brokers.Count > 0)
        {
            await Task.WhenAll(brokers.Select(h => ServiceControl.StartAsync(script, h, HostLayout.KafkaService, cancellationToken))).ConfigureAwait(false);
            await LabWait.UntilAsync(
                () => Task.FromResult(brokers.All(h => StandInStateReader.TryRead(h.Layout.StandInState) is { Registered: true })),
                spec.StartTimeout,
                () => "broker stand-ins did not all register: " + string.Join(", ", brokers.Select(h => $"{h.Name}: {StandInStateReader.TryRead(h.Layout.StandInState)?.State ?? "no state file"}")),
                cancellationToken).ConfigureAwait(false);
            await LabWait.UntilAsync(
                () => Task.FromResult(brokers.Any(h => StandInStateReader.TryRead(h.Layout.StandInState) is { IsController: true })),
                spec.StartTimeout,
                () => "no broker stand-in became the controller",
                cancellationToken).ConfigureAwait(false);
            LabLog.StepDone(logger, manifest.Name, "broker stand-ins registered", stopwatch.ElapsedMilliseconds);
        }

        var productHosts = manifest.HostsWithRole(LabHostRole.TenantProduct).ToList();
        if (productHosts.Count > 0)
        {
            await TenantProductPopulator.PopulateAsync(manifest.SourceConnectString, productHosts.Select(h => h.TenantProduct!).Distinct(), cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(productHosts.Select(h => ServiceControl.StartAsync(script, h, h.Product!, cancellationToken))).ConfigureAwait(false);
            await LabWait.UntilAsync(
                () => Task.FromResult(productHosts.All(h => StandInStateReader.TryRead(h.Layout.ProductStandInState(h.TenantProduct!)) is { Registered: true, LastAcknowledgedSerial: > 0 })),
                spec.StartTimeout,
                () => "tenant-host stand-ins did not all register and write: " + string.Join(", ", productHosts.Select(h => $"{h.Name}: {StandInStateReader.TryRead(h.Layout.ProductStandInState(h.TenantProduct!))?.State ?? "no state file"}")),
                cancellationToken).ConfigureAwait(false);
            LabLog.StepDone(logger, manifest.Name, "tenant-host stand-ins registered", stopwatch.ElapsedMilliseconds);
        }

        foreach (var tenant in manifest.HostsWithRole(LabHostRole.Tenant))
        {
            await LabWait.UntilAsync(
                () => Task.FromResult(StandInStateReader.TryRead(tenant.Layout.TenantState) is { LastAcknowledgedSerial: > 0 }),
                spec.StartTimeout,
                () => "the other tenant's writer acknowledged no write",
                cancellationToken).ConfigureAwait(false);
        }

        if (agentHosts.Count > 0)
        {
            await LabWait.UntilAsync(
                async () => (await Task.WhenAll(agentHosts.Select(h => LabWait.CanConnectAsync(h.Address, h.AgentPort, cancellationToken))).ConfigureAwait(false)).All(ok => ok),
                spec.StartTimeout,
                () => "agents did not all listen: " + string.Join(", ", agentHosts.Select(h => h.Name)) + " (see their var/log/zkmitosis-agent.log)",
                cancellationToken).ConfigureAwait(false);
            LabLog.StepDone(logger, manifest.Name, "agents listening", stopwatch.ElapsedMilliseconds);
        }

        lab.Manifest = manifest = manifest with { PlanPath = Path.Combine(manifest.Directory, LabPlanWriter.FileName) };
        LabPlanWriter.Write(manifest);
        return lab;
    }
}
