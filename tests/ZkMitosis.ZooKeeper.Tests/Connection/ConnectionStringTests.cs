using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Tests.Connection;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Parse_HostsAndChroot_Split()
    {
        var parsed = ConnectionString.Parse("zk1:2181, zk2:2182,zk3/kafka/cluster");

        Assert.Equal([new HostEndpoint("zk1", 2181), new HostEndpoint("zk2", 2182), new HostEndpoint("zk3", 2181)], parsed.Hosts);
        Assert.Equal("/kafka/cluster", parsed.Chroot);
    }

    [Fact]
    public void Parse_RootChroot_MeansNone() => Assert.Null(ConnectionString.Parse("h:1/").Chroot);

    [Fact]
    public void Parse_Ipv6_Bracketed() =>
        Assert.Equal(new HostEndpoint("::1", 2281), ConnectionString.Parse("[::1]:2281").Hosts[0]);

    [Theory]
    [InlineData("")]
    [InlineData("h:notaport")]
    [InlineData("h:70000")]
    [InlineData("/only-chroot")]
    [InlineData("h:1/bad//chroot")]
    public void Parse_Malformed_ArgumentException(string text) =>
        Assert.ThrowsAny<ArgumentException>(() => ConnectionString.Parse(text));

    [Fact]
    public void HostList_RoundRobin_VisitsEveryHost()
    {
        var hosts = new HostList([new HostEndpoint("a", 1), new HostEndpoint("b", 1), new HostEndpoint("c", 1)]);

        var seen = Enumerable.Range(0, 3).Select(_ => hosts.Next().Host).ToHashSet();

        Assert.Equal(["a", "b", "c"], seen.Order());
    }
}
