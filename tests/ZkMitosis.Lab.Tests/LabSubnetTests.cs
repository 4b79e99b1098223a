using System.Net;

namespace ZkMitosis.Lab.Tests;

public sealed class LabSubnetTests
{
    [Fact]
    public void Addresses_DefaultSubnet_FollowThePlanExample()
    {
        var subnet = LabSubnet.Parse("10.251.0.0/24");

        Assert.Equal("10.251.0.1", subnet.RootAddress);
        Assert.Equal("10.251.0.11", subnet.ZooKeeperHost(1));
        Assert.Equal("10.251.0.14", subnet.ZooKeeperHost(4));
        Assert.Equal("10.251.0.101", subnet.BrokerHost(1));
        Assert.Equal("10.251.0.199", subnet.BrokerHost(99));
        Assert.Equal("10.251.0.50", subnet.TenantHost);
    }

    [Fact]
    public void Addresses_EveryHostOfTheLargestLab_DistinctOnBothFamilies()
    {
        foreach (var ipv6 in new[] { false, true })
        {
            var subnet = LabSubnet.Parse("10.251.0.0/24") with { Ipv6 = ipv6 };

            var addresses = new[] { subnet.RootAddress, subnet.TenantHost }
                .Concat(Enumerable.Range(1, LabSubnet.MaxServerId).Select(subnet.ZooKeeperHost))
                .Concat(Enumerable.Range(1, LabSubnet.MaxBrokerId).Select(subnet.BrokerHost))
                .ToList();

            Assert.Equal(addresses.Count, addresses.Distinct().Count());
            Assert.All(addresses, a => Assert.Equal(ipv6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork, IPAddress.Parse(a).AddressFamily));
        }
    }

    [Fact]
    public void Addresses_Ipv6_SameLastNumberInTheUla()
    {
        var subnet = LabSubnet.Parse("10.250.7.0/24") with { Ipv6 = true };

        Assert.Equal("fd00:0:0:fa07::1", subnet.RootAddress);
        Assert.Equal("fd00:0:0:fa07::11", subnet.ZooKeeperHost(1));
        Assert.Equal("fd00:0:0:fa07::130", subnet.BrokerHost(30));
        Assert.Equal("fd00:0:0:fa07::50", subnet.TenantHost);
        Assert.Equal("fd00:0:0:fa07::/64", subnet.Display);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void BrokerHost_OutsideThePlan_Refused(int brokerId)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LabSubnet.Parse("10.251.0.0/24").BrokerHost(brokerId));
    }

    [Theory]
    [InlineData("10.251.0.0", 16, true)]
    [InlineData("10.251.0.7", 32, true)]
    [InlineData("10.251.1.0", 24, false)]
    [InlineData("0.0.0.0", 0, true)]
    [InlineData("192.168.0.0", 16, false)]
    public void Overlaps_Networks_AsExpected(string network, int length, bool expected)
    {
        Assert.Equal(expected, LabSubnet.Parse("10.251.0.0/24").Overlaps(IPAddress.Parse(network), length));
    }
}
