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
    [InlineData("fd00::11")]
    [InlineData("fd00::11:2181")]
    [InlineData("[::1]2181")]
    [InlineData("[::1")]
    [InlineData("[]:2181")]
    public void Parse_Malformed_ArgumentException(string text) =>
        Assert.ThrowsAny<ArgumentException>(() => ConnectionString.Parse(text));

    [Fact]
    public void Parse_UnbracketedIpv6_MessageSaysWriteBrackets() =>
        Assert.Contains("[address]:port", Assert.ThrowsAny<ArgumentException>(() => ConnectionString.Parse("fd00::11:2181/kafka")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("zk1:2181,zk2/kafka", "zk1:2181,zk2:2181/kafka")]
    [InlineData("[fd00::11]:2181,[fd00::12]", "[fd00::11]:2181,[fd00::12]:2181")]
    [InlineData("[::1]:2281/", "[::1]:2281")]
    public void ToString_RendersAConnectStringThatParsesBack(string text, string rendered)
    {
        var parsed = ConnectionString.Parse(text);

        Assert.Equal(rendered, parsed.ToString());
        Assert.Equal(parsed.Hosts, ConnectionString.Parse(parsed.ToString()).Hosts);
    }

    [Theory]
    [InlineData("[fd00::11]:7443", "fd00::11", 7443)]
    [InlineData("agent1:7443", "agent1", 7443)]
    [InlineData("10.0.0.1:1", "10.0.0.1", 1)]
    public void TryParse_PortRequired_Accepted(string text, string host, int port)
    {
        Assert.True(HostEndpoint.TryParse(text, null, out var endpoint, out _));
        Assert.Equal(new HostEndpoint(host, port), endpoint);
    }

    [Theory]
    [InlineData("fd00::11:7443", "without brackets")]
    [InlineData("[fd00::11]", "no port")]
    [InlineData("agent1", "no port")]
    [InlineData("agent1:0", "bad port")]
    [InlineData(":7443", "no host")]
    [InlineData("agent1:7443\n", "control character")]
    [InlineData(" agent1:7443", "no host")]
    public void TryParse_PortRequired_RefusedWithOneLine(string text, string expected)
    {
        Assert.False(HostEndpoint.TryParse(text, null, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void ToString_Ipv6_Bracketed() =>
        Assert.Equal(("[fd00::11]:2181", "zk1:2181"), (new HostEndpoint("fd00::11", 2181).ToString(), new HostEndpoint("zk1", 2181).ToString()));

    [Theory]
    [InlineData("/10.0.0.5:41234", "10.0.0.5", 41234)]
    [InlineData("kafka1/10.0.0.5:41234", "10.0.0.5", 41234)]
    [InlineData("/[fd00:0:0:0:0:0:0:31]:41234", "fd00::31", 41234)]
    [InlineData("/fd00:0:0:0:0:0:0:31:41234", "fd00::31", 41234)]
    public void FromSocketAddress_JavaForms_CanonicalHost(string text, string host, int port) =>
        Assert.Equal(new HostEndpoint(host, port), HostEndpoint.FromSocketAddress(text));

    [Fact]
    public void HostList_RoundRobin_VisitsEveryHost()
    {
        var hosts = new HostList([new HostEndpoint("a", 1), new HostEndpoint("b", 1), new HostEndpoint("c", 1)]);

        var seen = Enumerable.Range(0, 3).Select(_ => hosts.Next().Host).ToHashSet();

        Assert.Equal(["a", "b", "c"], seen.Order());
    }
}
