using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;
using static ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles.ConnectStringFileAssert;

namespace ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles;

public sealed class PropertiesConnectFileTests
{
    private static readonly ConnectStringLocation NiFi = new(ConnectStringFormat.Properties, "nifi.zookeeper.connect.string");

    [Fact]
    public void Write_CrlfCommentsAndOtherKeys_OnlyTheValueChanges()
    {
        const string original = "# NiFi cluster\r\nnifi.cluster.is.node=true\r\nnifi.zookeeper.connect.string = s1:2181,s2:2181  \r\n! old: nifi.zookeeper.connect.string=x:1\r\nnifi.zookeeper.root.node=/nifi";

        RoundTrips(original, NiFi,
            "# NiFi cluster\r\nnifi.cluster.is.node=true\r\nnifi.zookeeper.connect.string = d1:2181,d2:2181,d3:2181  \r\n! old: nifi.zookeeper.connect.string=x:1\r\nnifi.zookeeper.root.node=/nifi",
            ConnectionString.Parse("d1:2181,d2:2181,d3:2181"));
    }

    [Fact]
    public void Write_DruidKeyContinuedOverTwoLines_ReplacedWhole()
    {
        var druid = new ConnectStringLocation(ConnectStringFormat.Properties, "druid.zk.service.host");

        Assert.Equal("druid.zk.paths.base=/druid\ndruid.zk.service.host=d1:2181,d2:2181,d3:2181/tenant\n", ConnectStringFileFormats.Write("druid.zk.paths.base=/druid\ndruid.zk.service.host=s1:2181,\\\n    s2:2181\n", druid, Destination));
    }

    [Fact]
    public void Write_KeyMissing_Refused() =>
        Assert.Contains("nifi.zookeeper.connect.string", Refused(ConnectStringFileProblem.KeyMissing, "nifi.cluster.is.node=true\n#nifi.zookeeper.connect.string=s1:2181\n", NiFi).Message, StringComparison.Ordinal);

    [Fact]
    public void Write_KeyTwice_RefusedNamingBothLines() =>
        Assert.Contains("lines 1, 3", Refused(ConnectStringFileProblem.KeyDuplicated, "nifi.zookeeper.connect.string=a:1\nx=y\nnifi.zookeeper.connect.string=b:1\n", NiFi).Message, StringComparison.Ordinal);

    [Fact]
    public void Write_ValueWithBackslash_Refused() =>
        Refused(ConnectStringFileProblem.ValueRefused, "nifi.zookeeper.connect.string=a:1\n", NiFi, new ConnectionString([new HostEndpoint("d1", 2181)], "/a\\nb"));
}
