using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;
using static ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles.ConnectStringFileAssert;

namespace ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles;

public sealed class HadoopXmlConnectFileTests
{
    private static readonly ConnectStringLocation HBase = new(ConnectStringFormat.HadoopXml, "hbase.zookeeper.quorum", "hbase.zookeeper.property.clientPort", "zookeeper.znode.parent");

    private const string HBaseSite = "<?xml version=\"1.0\"?>\r\n<?xml-stylesheet type=\"text/xsl\" href=\"configuration.xsl\"?>\r\n<configuration>\r\n  <!-- <property><name>hbase.zookeeper.quorum</name><value>old</value></property> -->\r\n  <property>\r\n    <name>hbase.zookeeper.quorum</name>\r\n    <value>s1,s2,s3</value>\r\n    <description>The ensemble</description>\r\n  </property>\r\n  <property><name>hbase.rootdir</name><value>hdfs://nn:8020/hbase</value></property>\r\n  <property>\r\n\t<name>hbase.zookeeper.property.clientPort</name>\r\n\t<value>2181</value>\r\n  </property>\r\n  <property>\r\n    <name> zookeeper.znode.parent </name>\r\n    <value>/hbase</value>\r\n    <final>true</final>\r\n  </property>\r\n</configuration>\r\n";

    [Fact]
    public void Write_HBaseQuorumPortAndParent_OnlyTheValuesChange()
    {
        var target = ConnectionString.Parse("d1:2182,d2:2182/hbase-moved");

        RoundTrips(HBaseSite, HBase, HBaseSite.Replace("<value>s1,s2,s3</value>", "<value>d1,d2</value>", StringComparison.Ordinal)
            .Replace("<value>2181</value>", "<value>2182</value>", StringComparison.Ordinal)
            .Replace("<value>/hbase</value>", "<value>/hbase-moved</value>", StringComparison.Ordinal), target);
    }

    [Fact]
    public void Read_HBase_AssemblesHostsPortAndParent() =>
        Assert.Equal("s1:2181,s2:2181,s3:2181/hbase", ConnectStringFileFormats.Read(HBaseSite, HBase));

    [Fact]
    public void Write_HadoopHaQuorumWithoutChroot_HostPortList()
    {
        var ha = new ConnectStringLocation(ConnectStringFormat.HadoopXml, "ha.zookeeper.quorum");
        const string coreSite = "<configuration>\n  <property>\n    <name>ha.zookeeper.quorum</name>\n    <value>s1:2181,s2:2181</value>\n  </property>\n</configuration>";

        RoundTrips(coreSite, ha, coreSite.Replace("s1:2181,s2:2181", "d1:2181,d2:2181", StringComparison.Ordinal), ConnectionString.Parse("d1:2181,d2:2181"));
    }

    [Fact]
    public void Write_PortPropertyMissing_RefusedBeforeAnyChange() =>
        Assert.Contains("hbase.zookeeper.property.clientPort", Refused(ConnectStringFileProblem.KeyMissing,
            "<configuration><property><name>hbase.zookeeper.quorum</name><value>s1</value></property><property><name>zookeeper.znode.parent</name><value>/hbase</value></property></configuration>", HBase).Message, StringComparison.Ordinal);

    [Fact]
    public void Write_QuorumTwice_Refused() =>
        Refused(ConnectStringFileProblem.KeyDuplicated,
            "<configuration><property><name>ha.zookeeper.quorum</name><value>a:1</value></property><property><name>ha.zookeeper.quorum</name><value>b:1</value></property></configuration>",
            new ConnectStringLocation(ConnectStringFormat.HadoopXml, "ha.zookeeper.quorum"));

    [Fact]
    public void Write_HostsOnDifferentPorts_RefusedForOnePortProperty() =>
        Refused(ConnectStringFileProblem.ValueRefused, HBaseSite, HBase, ConnectionString.Parse("d1:2181,d2:2182/hbase"));

    [Fact]
    public void Write_XmlMetacharactersInParent_EscapedAndReadBack()
    {
        var hostile = new ConnectionString([new HostEndpoint("d1", 2181)], "/h</value><value>&x'\"");

        var written = ConnectStringFileFormats.Write(HBaseSite, HBase, hostile);

        Assert.Contains("<value>/h&lt;/value&gt;&lt;value&gt;&amp;x&apos;&quot;</value>", written, StringComparison.Ordinal);
        Assert.Equal("d1:2181/h</value><value>&x'\"", ConnectStringFileFormats.Read(written, HBase));
    }

    [Fact]
    public void Write_NotWellFormed_RefusedAsMalformed() =>
        Refused(ConnectStringFileProblem.Malformed, "<configuration><property><name>ha.zookeeper.quorum</name><value>a:1</property></configuration>",
            new ConnectStringLocation(ConnectStringFormat.HadoopXml, "ha.zookeeper.quorum"));
}
