using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Lab.Tests;

public sealed class LabTopologyTests
{
    [Fact]
    public void Compose_LargestLabLongestName_LinkNamesFitLinux()
    {
        var manifest = LabTopology.Compose(new LabSpec { Name = "abcdefg", Source = 7, Destination = 7, Brokers = 9 });

        Assert.All(manifest.Hosts, h => Assert.True(h.Veth.Length <= 15, h.Veth));
        Assert.True(manifest.Bridge.Length <= 15, manifest.Bridge);
        Assert.All(manifest.Hosts, h => Assert.StartsWith("zkm-abcdefg-", h.Namespace, StringComparison.Ordinal));
        Assert.Equal(manifest.Hosts.Count, manifest.Hosts.Select(h => h.Address).Distinct().Count());
        Assert.Equal(manifest.Hosts.Count, manifest.Hosts.Select(h => h.Veth).Distinct().Count());
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
}
