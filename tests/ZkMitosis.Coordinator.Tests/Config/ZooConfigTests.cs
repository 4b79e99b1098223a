using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.ZooKeeper.Config;

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
        var members = new[] { new ZooKeeperServerSpec(4, "d", 2888, 3888, false) };
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

        Assert.Equal([new ZooKeeperServerSpec(1, "a", 1, 2, false), new ZooKeeperServerSpec(4, "d", 3, 4, true, "0.0.0.0", 2181)], members);
    }

    [Fact]
    public void WithMembers_Ipv6PlanHosts_WrittenInBrackets()
    {
        var plan = new MigrationPlan
        {
            PlanId = "v6-plan",
            Chroot = "/kafka",
            Source = [new ServerSpec(1, "fd00::11", 2181, 2888, 3888, "[fd00::11]:7443")],
            Destination = [new ServerSpec(4, "fd00::14", 2181, 2888, 3888, "[fd00::14]:7443"), new ServerSpec(5, "zk5.example", 2181, 2888, 3888, "zk5.example:7443")],
            Tenants = [],
            Tls = new TlsSpec(null, null, null, Insecure: true),
        };

        var text = ZooConfig.WithMembers("clientPort=2181\n", MemberSets.ObserverJoin(plan), observer: true);

        Assert.Equal("clientPort=2181\npeerType=observer\nserver.1=[fd00::11]:2888:3888\nserver.4=[fd00::14]:2888:3888:observer\nserver.5=zk5.example:2888:3888:observer\n", text);
        Assert.Equal(["fd00::11", "fd00::14", "zk5.example"], ZooConfig.Members(text).Select(m => m.Host));
    }

    [Theory]
    [InlineData("server.1=[fd00::11]:2888:3888:participant;[fd00::11]:2181", "fd00::11", "fd00::11")]
    [InlineData("server.1=[2001:db8::1]:2888:3888;2181", "2001:db8::1", null)]
    public void Members_Ipv6Lines_Read(string line, string host, string? clientAddress)
    {
        var member = Assert.Single(ZooConfig.Members(line + "\n"));

        Assert.Equal((host, 2888, 3888, clientAddress, 2181), (member.Host, member.QuorumPort, member.ElectionPort, member.ClientAddress, member.ClientPort));
    }

    [Fact]
    public void Members_UnbracketedIpv6_RefusedNamingTheLine() =>
        Assert.Contains("server.1", Assert.Throws<FormatException>(() => ZooConfig.Members("server.1=fd00::11:2888:3888\n")).Message, StringComparison.Ordinal);
}
