using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;
using ZkMitosis.Lab.Plans;

namespace ZkMitosis.Lab.Tests;

public sealed class LabTopologyTests
{
    [Fact]
    public void Compose_LargestLabLongestName_LinkNamesFitLinux()
    {
        var manifest = LabTopology.Compose(new LabSpec { Name = "abcdefg", Source = 7, Destination = 7, Brokers = LabSpec.MaxBrokers });

        Assert.All(manifest.Hosts, h => Assert.True(h.Veth.Length <= 15, h.Veth));
        Assert.True(manifest.Bridge.Length <= 15, manifest.Bridge);
        Assert.All(manifest.Hosts, h => Assert.StartsWith("zkm-abcdefg-", h.Namespace, StringComparison.Ordinal));
        Assert.Equal(manifest.Hosts.Count, manifest.Hosts.Select(h => h.Address).Distinct().Count());
        Assert.Equal(manifest.Hosts.Count, manifest.Hosts.Select(h => h.Veth).Distinct().Count());
        Assert.Equal(7 + 7 + 99 + 1, manifest.Hosts.Count);
    }

    [Fact]
    public void Compose_ThirtyBrokersWithTheTenant_NoAddressCollides()
    {
        var manifest = LabTopology.Compose(new LabSpec { Brokers = 30, Racks = 3 });

        Assert.Equal("10.251.0.130", manifest.Host("kafka30").Address);
        Assert.Equal("10.251.0.50", manifest.Host("tenant").Address);
        Assert.Equal(manifest.Hosts.Count, manifest.Hosts.Select(h => h.Address).Distinct().Count());
    }

    [Fact]
    public void Compose_ThreeThreeThree_DestinationIdsAboveSourceIds()
    {
        var manifest = LabTopology.Compose(new LabSpec { Source = 3, Destination = 3, Brokers = 3 });

        Assert.Equal([1, 2, 3], manifest.HostsWithRole(LabHostRole.Source).Select(h => h.ServerId!.Value));
        Assert.Equal([4, 5, 6], manifest.HostsWithRole(LabHostRole.Destination).Select(h => h.ServerId!.Value));
        Assert.Equal([1, 2, 3], manifest.HostsWithRole(LabHostRole.Broker).Select(h => h.BrokerId!.Value));
        Assert.Equal("10.251.0.11:2181,10.251.0.12:2181,10.251.0.13:2181", manifest.SourceConnectString);
        Assert.Equal("10.251.0.14:7443", manifest.Host("zk4").AgentEndpoint);
    }

    [Fact]
    public void Compose_Ipv6_UlaAddressesBracketedWherePortsFollow()
    {
        var manifest = LabTopology.Compose(new LabSpec { Source = 3, Destination = 3, Brokers = 3, Subnet = "10.250.7.0/24", Ipv6 = true });

        Assert.True(manifest.Ipv6);
        Assert.Equal("fd00:0:0:fa07::/64", manifest.Subnet);
        Assert.Equal("fd00:0:0:fa07::1", manifest.RootAddress);
        Assert.Equal("fd00:0:0:fa07::14", manifest.Host("zk4").Address);
        Assert.Equal("[fd00:0:0:fa07::11]:2181,[fd00:0:0:fa07::12]:2181,[fd00:0:0:fa07::13]:2181", manifest.SourceConnectString);
        Assert.Equal("[fd00:0:0:fa07::14]:7443", manifest.Host("zk4").AgentEndpoint);
        Assert.Equal("server.4=[fd00:0:0:fa07::14]:2888:3888", new ZkMitosis.Lab.Servers.QuorumMember(4, manifest.Host("zk4").Address, 2888, 3888).ToConfigLine());
    }

    [Fact]
    public void Compose_Ipv6_PlanLoadsWithTheSameAddresses()
    {
        var manifest = LabTopology.Compose(new LabSpec { Source = 1, Destination = 1, Brokers = 1, Subnet = "10.250.7.0/24", Ipv6 = true });

        var plan = ZkMitosis.Coordinator.Plans.PlanLoader.Load(LabPlanWriter.Render(manifest with { AgentsInsecure = true }));

        Assert.Equal("[fd00:0:0:fa07::12]:2181/kafka", plan.DestinationConnect);
        Assert.Equal("[fd00:0:0:fa07::12]:7443", plan.Destination[0].Agent);
        Assert.Equal("fd00:0:0:fa07::101", plan.Brokers[0].Host);
    }

    [Fact]
    public void Compose_HostNames_ConfigsAndThePlanNameHostsAndTheHostsFileMapsThem()
    {
        var manifest = LabTopology.Compose(new LabSpec { Name = "hn", HostNames = true });

        Assert.Equal("zk4.hn.zkm.test", manifest.Host("zk4").DnsName);
        Assert.Equal("zk4.hn.zkm.test:7443", manifest.Host("zk4").ConfiguredAgentEndpoint);
        Assert.Equal("10.251.0.14:7443", manifest.Host("zk4").AgentEndpoint);
        Assert.Equal("zk1.hn.zkm.test:2181,zk2.hn.zkm.test:2181,zk3.hn.zkm.test:2181", manifest.SourceConnectStringAsConfigured);
        Assert.Equal("10.251.0.11:2181,10.251.0.12:2181,10.251.0.13:2181", manifest.SourceConnectString);
        var plan = LabPlanWriter.Render(manifest);
        Assert.Contains("      host: zk1.hn.zkm.test\n", plan, StringComparison.Ordinal);
        Assert.Contains("agent: \"kafka3.hn.zkm.test:7443\"", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("10.251.0.", plan, StringComparison.Ordinal);
        var hosts = LabHostNames.Render(manifest).Split('\n');
        Assert.Contains("10.251.0.101\tkafka1.hn.zkm.test\tkafka1", hosts);
        Assert.Contains("127.0.0.1\tlocalhost", hosts);
        Assert.Equal(Path.Combine(manifest.Directory, "etc-hosts"), manifest.HostsFilePath);
    }

    [Fact]
    public void Compose_NoHostNames_AddressesEverywhere()
    {
        var manifest = LabTopology.Compose(new LabSpec { Name = "hn" });

        Assert.All(manifest.Hosts, h => Assert.Null(h.DnsName));
        Assert.Null(manifest.HostsFilePath);
        Assert.Equal(manifest.SourceConnectString, manifest.SourceConnectStringAsConfigured);
        Assert.Contains("      host: 10.251.0.11\n", LabPlanWriter.Render(manifest), StringComparison.Ordinal);
    }
}
