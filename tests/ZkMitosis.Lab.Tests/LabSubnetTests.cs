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
        Assert.Equal("10.251.0.31", subnet.BrokerHost(1));
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
