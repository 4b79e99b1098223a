using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;
using static ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles.ConnectStringFileAssert;

namespace ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles;

public sealed class YamlConnectFileTests
{
    private static readonly ConnectStringLocation Nested = new(ConnectStringFormat.Yaml, "spring.cloud.zookeeper.connect-string");

    private const string Application = "# service config\r\nspring:\r\n  application:\r\n    name: orders # the name\r\n  cloud:\r\n    zookeeper:\r\n      # old: connect-string: x:1\r\n      connect-string: s1:2181,s2:2181/orders   # ensemble\r\n      enabled: true\r\nconnect-string: not-this-one\r\n";

    [Fact]
    public void Write_NestedPlainValueWithComment_OnlyTheValueChanges() =>
        RoundTrips(Application, Nested, Application.Replace("s1:2181,s2:2181/orders", "d1:2181,d2:2181,d3:2181/tenant", StringComparison.Ordinal));

    [Theory]
    [InlineData("zk:\n  servers: \"s1:2181\"\n", "zk:\n  servers: \"d1:2181,d2:2181,d3:2181/tenant\"\n")]
    [InlineData("zk:\n  servers: 's1:2181'\n", "zk:\n  servers: 'd1:2181,d2:2181,d3:2181/tenant'\n")]
    public void Write_QuotedValue_QuotingKept(string original, string expected) =>
        RoundTrips(original, new ConnectStringLocation(ConnectStringFormat.Yaml, "zk.servers"), expected);

    [Fact]
    public void Write_KeyOnlyUnderAnotherParent_RefusedAsMissing() =>
        Refused(ConnectStringFileProblem.KeyMissing, "other:\n  zookeeper:\n    connect-string: a:1\n", Nested);

    [Fact]
    public void Write_KeyTwice_Refused() =>
        Refused(ConnectStringFileProblem.KeyDuplicated, "zk:\n  servers: a:1\nzk:\n  servers: b:1\n", new ConnectStringLocation(ConnectStringFormat.Yaml, "zk.servers"));

    [Fact]
    public void Write_Ipv6IntoPlainScalar_RefusedNotAFlowSequence() =>
        Refused(ConnectStringFileProblem.ValueRefused, "zk: s1:2181\n", new ConnectStringLocation(ConnectStringFormat.Yaml, "zk"), ConnectionString.Parse("[::1]:2181/t"));

    [Fact]
    public void Write_QuoteAndBackslashIntoDoubleQuoted_Escaped()
    {
        var location = new ConnectStringLocation(ConnectStringFormat.Yaml, "zk");
        var written = ConnectStringFileFormats.Write("zk: \"s1:2181\"\n", location, new ConnectionString([new HostEndpoint("d1", 2181)], "/a\"b"));

        Assert.Equal("zk: \"d1:2181/a\\\"b\"\n", written);
        Assert.Equal("d1:2181/a\"b", ConnectStringFileFormats.Read(written, location));
    }

    [Fact]
    public void Write_BlockScalar_RefusedAsMalformed() =>
        Refused(ConnectStringFileProblem.Malformed, "zk: |\n  s1:2181\n", new ConnectStringLocation(ConnectStringFormat.Yaml, "zk"));
}
