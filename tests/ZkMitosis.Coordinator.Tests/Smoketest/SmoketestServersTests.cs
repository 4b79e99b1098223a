using ZkMitosis.Coordinator.Smoketest;

namespace ZkMitosis.Coordinator.Tests.Smoketest;

public sealed class SmoketestServersTests
{
    [Fact]
    public void Parse_ListWithChroot_ReturnsHostsOnly()
    {
        Assert.Equal(["a:2181", "b:2182"], SmoketestServers.Parse("a:2181, b:2182/kafka"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a:port")]
    [InlineData("::1:2181")]
    [InlineData("fd00::11")]
    [InlineData("")]
    public void Parse_NotHostPort_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => SmoketestServers.Parse(text));
    }

    [Fact]
    public void FromZooCfg_StaticEnsemble_UsesServerHostsAndClientPort()
    {
        const string cfg = "tickTime=2000\nclientPort=2181\n# comment\nserver.1=zk1:2888:3888\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888:observer\n";

        Assert.Equal(["zk1:2181", "zk2:2181", "zk3:2181"], SmoketestServers.FromZooCfg(cfg));
    }

    [Fact]
    public void FromZooCfg_DynamicFormat_UsesEachServersClientAddress()
    {
        const string cfg = "server.1=zk1:2888:3888:participant;0.0.0.0:2181\nserver.2=zk2:2888:3888;10.0.0.2:2182\nserver.3=zk3:2888:3888;2183\n";

        Assert.Equal(["zk1:2181", "10.0.0.2:2182", "zk3:2183"], SmoketestServers.FromZooCfg(cfg));
    }

    [Fact]
    public void FromZooCfg_Standalone_UsesClientPortAddress()
    {
        Assert.Equal(["127.0.0.5:2999"], SmoketestServers.FromZooCfg("clientPort=2999\nclientPortAddress=127.0.0.5\n"));
        Assert.Throws<FormatException>(() => SmoketestServers.FromZooCfg("tickTime=2000\n"));
    }

    [Fact]
    public void Parse_BracketedIpv6_KeptBracketed() =>
        Assert.Equal(["[::1]:2181", "[fd00::11]:2182"], SmoketestServers.Parse("[::1]:2181,[fd00::11]:2182/kafka"));

    [Fact]
    public void FromZooCfg_Ipv6Members_BracketedClientAddresses()
    {
        const string cfg = "clientPort=2181\nserver.1=[::1]:2888:3888\nserver.2=[fd00::12]:2888:3888:participant;[::]:2182\nserver.3=[fd00::13]:2888:3888;[fd00::99]:2183\n";

        Assert.Equal(["[::1]:2181", "[fd00::12]:2182", "[fd00::99]:2183"], SmoketestServers.FromZooCfg(cfg));
    }

    [Fact]
    public void FromZooCfg_StandaloneIpv6ClientPortAddress_Bracketed() =>
        Assert.Equal(["[::1]:2999"], SmoketestServers.FromZooCfg("clientPort=2999\nclientPortAddress=::1\n"));

    [Fact]
    public void FromZooCfg_UnbracketedIpv6Member_RefusedNamingTheLine() =>
        Assert.Contains("server.1", Assert.Throws<FormatException>(() => SmoketestServers.FromZooCfg("clientPort=2181\nserver.1=fd00::11:2888:3888\n")).Message, StringComparison.Ordinal);
}
