using ZkMitosis.Lab.Servers;

namespace ZkMitosis.Lab.Tests.Servers;

public sealed class ZooKeeperServerConfigTests
{
    [Fact]
    public void RenderZooCfg_Observer_WritesPeerTypeAndObserverLines()
    {
        var config = new ZooKeeperServerConfig
        {
            Directory = "/srv/zk4",
            ServerId = 4,
            ClientPort = 2181,
            IsObserver = true,
            Members = [new QuorumMember(1, "10.0.0.1", 2888, 3888), new QuorumMember(4, "10.0.0.4", 2888, 3888, IsObserver: true)],
        };

        var text = config.RenderZooCfg();

        Assert.Contains("peerType=observer\n", text, StringComparison.Ordinal);
        Assert.Contains("server.1=10.0.0.1:2888:3888\n", text, StringComparison.Ordinal);
        Assert.Contains("server.4=10.0.0.4:2888:3888:observer\n", text, StringComparison.Ordinal);
        Assert.Contains("dataDir=/srv/zk4/data\n", text, StringComparison.Ordinal);
    }
}
