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
}
