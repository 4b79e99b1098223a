using YamlDotNet.RepresentationModel;
using ZkMitosis.Agent.V1;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Populate;
using ZkMitosis.Lab.Security;
using ZkMitosis.Lab.Servers;
using ZkMitosis.ZooKeeper;
using AgentChannelFactory = ZkMitosis.Coordinator.Agents.AgentChannelFactory;

namespace ZkMitosis.Lab.Tests;

[Collection(LabCollection.Name)]
public sealed class LabFullTests
{
    [Fact]
    public async Task UpThenDown_ThreeThreeThreeWithAgents_EverythingServesThenNothingIsLeft()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        var rulesBefore = await LabAssert.RootRulesAsync();
        var spec = await LabTestSpecs.CreateAsync(source: 3, destination: 3, brokers: 3, agents: true, populate: true);
        var pids = new List<int>();
        await using (var lab = await LabCluster.UpAsync(spec))
        {
            var status = await lab.StatusAsync();
            var source = status.Hosts.Where(h => h.Role == LabHostRole.Source).ToList();
            Assert.All(source, h => Assert.Contains(h.ZooKeeperMode, new[] { "leader", "follower" }));
            Assert.Single(source, h => h.ZooKeeperMode == "leader");
            Assert.All(status.Hosts.Where(h => h.Role == LabHostRole.Destination), h => Assert.False(h.ServiceRunning));
            Assert.All(status.Hosts.Where(h => h.Role == LabHostRole.Broker), h => Assert.True(h.BrokerRegistered));
            Assert.All(status.Hosts.Where(h => h.AgentRunning is not null), h => Assert.True(h.AgentHealthy, $"{h.Name}: {h.AgentProblem}"));
            Assert.Equal(9, status.Hosts.Count(h => h.AgentHealthy == true));
            Assert.False(lab.Manifest.AgentsInsecure);

            // The agents run services through the lab's script (command backend): their view matches the lab's.
            Assert.Equal(ServiceState.Running, await AgentServiceStateAsync(lab, "zk1"));
            Assert.Equal(ServiceState.Stopped, await AgentServiceStateAsync(lab, "zk4"));
            Assert.Equal(ServiceState.Running, await AgentServiceStateAsync(lab, "kafka2"));

            var plan = new YamlStream();
            plan.Load(new StringReader(await File.ReadAllTextAsync(lab.PlanPath!)));
            Assert.Equal(3, ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)plan.Documents[0].RootNode)["destination"])["servers"]).Children.Count);

            pids.AddRange(lab.Hosts.Select(h => lab.ServicePid(h.Name)).Where(pid => pid > 0));
            pids.AddRange(lab.Hosts.Select(h => Services.ServiceControl.ReadPid(h, HostLayout.AgentService)).Where(pid => pid > 0));
            Assert.Equal(3 + 3 + 1 + 9, pids.Count);
        }

        Assert.All(pids, pid => Assert.False(ProcessSignals.IsAliveAndNotZombie(pid), $"pid {pid} survived lab down"));
        await LabAssert.NothingLeftAsync(spec.EffectivePrefix, spec.EffectiveDirectory);
        Assert.Equal(rulesBefore, await LabAssert.RootRulesAsync());
    }

    /// <summary>
    /// A secured lab on named hosts (<c>lab up --secure --hostnames</c>): the brokers' configs name the source's TLS
    /// ports by host name (resolved in their namespaces), while <c>lab up</c> itself, which does not see the lab's
    /// hosts file, populates by address; the owner's credentials then read the creator-only SCRAM node.
    /// </summary>
    [Fact]
    public async Task Up_SecuredNamedHosts_PopulatedByAddressAndBrokersRegisterByNameOverTls()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        var spec = await LabTestSpecs.CreateAsync(source: 3, destination: 1, brokers: 1, populate: true) with { Secure = true, HostNames = true };
        await using var lab = await LabCluster.UpAsync(spec);
        var status = await lab.StatusAsync();
        Assert.True(Assert.Single(status.Hosts, h => h.Role == LabHostRole.Broker).BrokerRegistered);
        var zk1 = lab.Host("zk1");
        var broker = lab.Hosts.Single(h => h.Role == LabHostRole.Broker);
        Assert.Contains($"zookeeper.connect={zk1.DnsName}:{zk1.TenantPort},", await File.ReadAllTextAsync(broker.Layout.ServerProperties), StringComparison.Ordinal);

        var security = LabSecurity.OwnerSecurity(lab.Manifest);
        await using var client = await ZooKeeperClient.ConnectAsync(lab.Manifest.SourceTenantPortsByAddress, new ZooKeeperClientOptions { Tls = security.Tls, Sasl = security.Sasl });
        var (scram, _) = await client.GetDataAsync($"{lab.Manifest.Chroot}/config/users/{LabPopulator.ScramUser}");
        Assert.Contains("SCRAM-SHA-256", System.Text.Encoding.UTF8.GetString(scram), StringComparison.Ordinal);
    }

    private static async Task<ServiceState> AgentServiceStateAsync(Lab lab, string hostName)
    {
        var host = lab.Host(hostName);
        using var channel = AgentChannelFactory.Create(host.AgentEndpoint!, LabAgents.TlsSettings(lab.Manifest));
        var client = new ZkMitosis.Agent.V1.Agent.AgentClient(channel);
        var response = await client.ControlServiceAsync(new ControlServiceRequest { Action = ServiceAction.Status }, deadline: DateTime.UtcNow.AddSeconds(60));
        return response.State;
    }
}
