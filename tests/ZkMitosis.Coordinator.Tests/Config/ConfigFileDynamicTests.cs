using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Coordinator.Tests.Config;

/// <summary>
/// Issue 12 §3 in the coordinator: a node that keeps its members in a dynamic file (zoo.cfg names it and has no member
/// lines) is read and compared by those members, so a step neither misses them nor rewrites a node already as wanted.
/// </summary>
public sealed class ConfigFileDynamicTests
{
    private const string Main = "tickTime=500\ndataDir=/var/lib/zookeeper\nclientPort=2181\ndynamicConfigFile=/etc/zookeeper/zoo.cfg.dynamic.100000000\n";

    private static readonly ZooKeeperServerSpec[] Destination =
    [
        new(4, "10.0.0.14", 2888, 3888, false),
        new(5, "10.0.0.15", 2888, 3888, false),
        new(6, "10.0.0.16", 2888, 3888, false),
    ];

    [Fact]
    public void Members_DynamicNode_FromTheDynamicFile()
    {
        var config = new ConfigFile(Main, "sha", "server.1=10.0.0.11:2888:3888:participant;0.0.0.0:2181\nserver.4=10.0.0.14:2888:3888:observer;0.0.0.0:2181\n");

        Assert.Equal([1L, 4L], config.Members.Select(m => m.Id));
        Assert.True(config.Members[1].Observer);
    }

    [Fact]
    public void Effective_DynamicFileAlreadyHoldsTheTarget_EqualsTheStepsTarget()
    {
        var target = ZooConfig.WithMembers(Main, Destination, observer: false);
        var config = new ConfigFile(Main, "sha", string.Concat(Destination.Select(m => m.Line + ":participant\n")));

        Assert.Equal(target, config.Effective);
        Assert.NotEqual(target, config.Content);
    }

    [Fact]
    public void Effective_DynamicFileWithOtherMembersOrRole_DiffersFromTheTarget()
    {
        var target = ZooConfig.WithMembers(Main, Destination, observer: false);

        Assert.NotEqual(target, new ConfigFile(Main, "sha", string.Concat(Destination.Take(2).Select(m => m.Line + "\n"))).Effective);
        Assert.NotEqual(target, new ConfigFile(Main + "peerType=observer\n", "sha", string.Concat(Destination.Select(m => m.Line + "\n"))).Effective);
    }

    [Fact]
    public void Effective_NoDynamicFile_TheFileAsItIs()
    {
        const string text = "tickTime=500\n\nserver.1=10.0.0.11:2888:3888\n# end\n";

        Assert.Equal(text, new ConfigFile(text, "sha").Effective);
    }
}
