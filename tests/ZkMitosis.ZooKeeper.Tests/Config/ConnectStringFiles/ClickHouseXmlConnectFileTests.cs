using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;
using static ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles.ConnectStringFileAssert;

namespace ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles;

public sealed class ClickHouseXmlConnectFileTests
{
    private static readonly ConnectStringLocation ClickHouse = new(ConnectStringFormat.ClickHouseXml, "");

    private const string TwoNodes = "<clickhouse>\r\n    <!-- ZooKeeper for replicated tables -->\r\n    <zookeeper>\r\n        <node>\r\n            <host>s1</host>\r\n            <port>2181</port>\r\n        </node>\r\n        <node>\r\n            <host>s2</host>\r\n            <port>2181</port>\r\n            <secure>0</secure>\r\n        </node>\r\n        <session_timeout_ms>30000</session_timeout_ms>\r\n        <root>/clickhouse</root>\r\n    </zookeeper>\r\n    <macros><shard>01</shard></macros>\r\n</clickhouse>\r\n";

    [Fact]
    public void Write_MoreNodes_AddedWithTheLastNodesLayout()
    {
        const string expected = "<clickhouse>\r\n    <!-- ZooKeeper for replicated tables -->\r\n    <zookeeper>\r\n        <node>\r\n            <host>d1</host>\r\n            <port>2181</port>\r\n        </node>\r\n        <node>\r\n            <host>d2</host>\r\n            <port>2181</port>\r\n            <secure>0</secure>\r\n        </node>\r\n        <node>\r\n            <host>d3</host>\r\n            <port>2181</port>\r\n            <secure>0</secure>\r\n        </node>\r\n        <session_timeout_ms>30000</session_timeout_ms>\r\n        <root>/tenant</root>\r\n    </zookeeper>\r\n    <macros><shard>01</shard></macros>\r\n</clickhouse>\r\n";

        Assert.Equal(expected, ConnectStringFileFormats.Write(TwoNodes, ClickHouse, Destination));
        Assert.Equal("d1:2181,d2:2181,d3:2181/tenant", ConnectStringFileFormats.Read(expected, ClickHouse));
    }

    [Fact]
    public void Write_SameNodeCount_RoundTripsByteForByte() =>
        RoundTrips(TwoNodes, ClickHouse, TwoNodes.Replace("s1", "d1", StringComparison.Ordinal).Replace("s2", "d2", StringComparison.Ordinal).Replace("<root>/clickhouse</root>", "<root>/tenant</root>", StringComparison.Ordinal),
            ConnectionString.Parse("d1:2181,d2:2181/tenant"));

    [Fact]
    public void Write_FewerNodes_RemovedWithTheirLines()
    {
        var written = ConnectStringFileFormats.Write(TwoNodes, ClickHouse, ConnectionString.Parse("d1:2182/tenant"));

        Assert.Equal("<clickhouse>\r\n    <!-- ZooKeeper for replicated tables -->\r\n    <zookeeper>\r\n        <node>\r\n            <host>d1</host>\r\n            <port>2182</port>\r\n        </node>\r\n        <session_timeout_ms>30000</session_timeout_ms>\r\n        <root>/tenant</root>\r\n    </zookeeper>\r\n    <macros><shard>01</shard></macros>\r\n</clickhouse>\r\n", written);
        Assert.Equal("d1:2182/tenant", ConnectStringFileFormats.Read(written, ClickHouse));
    }

    [Fact]
    public void Write_OneLineNodes_SeparatorFromTheFile()
    {
        const string original = "<yandex><zookeeper>\n\t<node index=\"1\"><host>s1</host><port>2181</port></node>\n\t<root>/ch</root>\n</zookeeper></yandex>";

        Assert.Equal("<yandex><zookeeper>\n\t<node index=\"1\"><host>d1</host><port>2181</port></node>\n\t<node index=\"1\"><host>d2</host><port>2181</port></node>\n\t<root>/ch</root>\n</zookeeper></yandex>",
            ConnectStringFileFormats.Write(original, ClickHouse, ConnectionString.Parse("d1:2181,d2:2181/ch")));
    }

    [Fact]
    public void Write_NoZooKeeperSection_Refused() =>
        Refused(ConnectStringFileProblem.KeyMissing, "<clickhouse><!-- <zookeeper><node><host>s1</host><port>2181</port></node></zookeeper> --></clickhouse>", ClickHouse);

    [Fact]
    public void Write_TwoZooKeeperSections_Refused() =>
        Refused(ConnectStringFileProblem.KeyDuplicated, "<clickhouse><zookeeper><node><host>a</host><port>1</port></node><root>/a</root></zookeeper><zookeeper><node><host>b</host><port>1</port></node></zookeeper></clickhouse>", ClickHouse);

    [Fact]
    public void Write_NoRootForTheChroot_Refused() =>
        Refused(ConnectStringFileProblem.KeyMissing, "<clickhouse><zookeeper><node><host>a</host><port>1</port></node></zookeeper></clickhouse>", ClickHouse);

    [Fact]
    public void Write_XmlMetacharactersInRoot_Escaped()
    {
        var written = ConnectStringFileFormats.Write(TwoNodes, ClickHouse, new ConnectionString([new HostEndpoint("d1", 2181)], "/c</root><x>&"));

        Assert.Contains("<root>/c&lt;/root&gt;&lt;x&gt;&amp;</root>", written, StringComparison.Ordinal);
        Assert.Equal("d1:2181/c</root><x>&", ConnectStringFileFormats.Read(written, ClickHouse));
    }
}
