using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.ZooKeeper.Tests.Config;

/// <summary>ZooKeeper 3.5+ member lines (issue 12 §2, §3): IPv6 in brackets, roles, client addresses, host names.</summary>
public sealed class ZooKeeperServerSpecTests
{
    public static TheoryData<string, ZooKeeperServerSpec> Lines => new()
    {
        { "10.0.0.1:2888:3888", new ZooKeeperServerSpec(1, "10.0.0.1", 2888, 3888, false) },
        { "zk1.example.com:2888:3888", new ZooKeeperServerSpec(1, "zk1.example.com", 2888, 3888, false) },
        { "zk1:2888:3888:observer", new ZooKeeperServerSpec(1, "zk1", 2888, 3888, true) },
        { "zk1:2888:3888:participant", new ZooKeeperServerSpec(1, "zk1", 2888, 3888, false) },
        { "zk1:2888:3888;2181", new ZooKeeperServerSpec(1, "zk1", 2888, 3888, false, null, 2181) },
        { "h:2888:3888:observer;0.0.0.0:2181", new ZooKeeperServerSpec(1, "h", 2888, 3888, true, "0.0.0.0", 2181) },
        { "[2001:db8::1]:2888:3888:participant;[2001:db8::1]:2181", new ZooKeeperServerSpec(1, "2001:db8::1", 2888, 3888, false, "2001:db8::1", 2181) },
        { "[fd00::11]:2888:3888", new ZooKeeperServerSpec(1, "fd00::11", 2888, 3888, false) },
        { "[::1]:2888:3888:observer;[::]:2181", new ZooKeeperServerSpec(1, "::1", 2888, 3888, true, "::", 2181) },
        { "zk1:2888:3888;zk1.example.com:2181", new ZooKeeperServerSpec(1, "zk1", 2888, 3888, false, "zk1.example.com", 2181) },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Parse_ZooKeeper35Lines_EveryPart(string value, ZooKeeperServerSpec expected)
    {
        Assert.Equal(expected, ZooKeeperServerSpec.Parse(1, value));
    }

    [Theory]
    [InlineData("[2001:db8::1]:2888:3888:participant;[2001:db8::1]:2181", "[2001:db8::1]:2888:3888;[2001:db8::1]:2181")]
    [InlineData("fd:2888:3888:observer", "fd:2888:3888:observer")]
    [InlineData("[fd00::11]:2888:3888", "[fd00::11]:2888:3888")]
    public void Value_Parsed_WrittenAsZooKeeperReadsIt(string value, string written)
    {
        var spec = ZooKeeperServerSpec.Parse(3, value);

        Assert.Equal(written, spec.Value);
        Assert.Equal(spec, ZooKeeperServerSpec.Parse(3, spec.Value));
        Assert.Equal($"server.3={written}", spec.Line);
    }

    [Theory]
    [InlineData("fd00::11:2888:3888", "IPv6")]
    [InlineData("2001:db8::1:2888:3888:participant", "IPv6")]
    [InlineData("h:2888:3888;fd00::1:2181", "IPv6")]
    [InlineData("[2001:db8::1:2888:3888", "bracket")]
    [InlineData("[zk1]:2888:3888", "not an IPv6")]
    [InlineData("h:2888", "expected")]
    [InlineData("h:2888:3888:leader", "role")]
    [InlineData("h:0:3888", "quorum port")]
    [InlineData("h:2888:70000", "election port")]
    [InlineData("h:2888:3888;x", "client port")]
    [InlineData(":2888:3888", "no host")]
    public void Parse_NotAMemberLine_FormatExceptionSaysWhy(string value, string why)
    {
        var error = Assert.Throws<FormatException>(() => ZooKeeperServerSpec.Parse(1, value));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Contains($"server.1={value}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server.12", 12L)]
    [InlineData("server.x", null)]
    [InlineData("serverCnxnFactory", null)]
    [InlineData("server.1.2", null)]
    public void IdOf_Keys(string key, long? id) => Assert.Equal(id, ZooKeeperServerSpec.IdOf(key));
}
