using ZkMitosis.Coordinator.Config;

namespace ZkMitosis.Coordinator.Tests.Config;

public sealed class ZooConfigTests
{
    private const string Original = "# lab\ntickTime=500\ndataDir=/var/lib/zookeeper\nclientPort=2181\n4lw.commands.whitelist=srvr,mntr,cons\nserver.9=old:1:2\n";

    [Fact]
    public void WithMembers_Observer_ReplacesMembersKeepsEverythingElse()
    {
        var text = ZooConfig.WithMembers(Original, [new(1, "a", 2888, 3888, false), new(4, "d", 2888, 3888, true)], observer: true);

        Assert.Equal("# lab\ntickTime=500\ndataDir=/var/lib/zookeeper\nclientPort=2181\n4lw.commands.whitelist=srvr,mntr,cons\npeerType=observer\nserver.1=a:2888:3888\nserver.4=d:2888:3888:observer\n", text);
    }

    [Fact]
    public void WithMembers_AppliedTwice_IsStable()
    {
        var members = new[] { new ZooConfigMember(4, "d", 2888, 3888, false) };
        var once = ZooConfig.WithMembers(Original, members, observer: true);
        var back = ZooConfig.WithMembers(once, members, observer: false);

        Assert.Equal(back, ZooConfig.WithMembers(back, members, observer: false));
        Assert.DoesNotContain("peerType", back, StringComparison.Ordinal);
        Assert.Equal("/var/lib/zookeeper", ZooConfig.Value(back, "dataDir"));
    }

    [Fact]
    public void Members_ParsesRolesAndClientAddress()
    {
        var members = ZooConfig.Members("server.1=a:1:2\nserver.4=d:3:4:observer;0.0.0.0:2181\n# server.7=x:1:2\n");

        Assert.Equal([new ZooConfigMember(1, "a", 1, 2, false), new ZooConfigMember(4, "d", 3, 4, true)], members);
    }
}
