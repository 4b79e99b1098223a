using ZkMitosis.KafkaStandIn;
using ZkMitosis.KafkaStandIn.TenantHosts;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Lab.Tests.KafkaStandIn;

/// <summary>
/// The tenant-host stand-in reads each product's file as the product does (Solr's include file sourced by bash, HBase's
/// Hadoop XML properties, ClickHouse's <c>&lt;zookeeper&gt;</c>), independently of the agent's editors; and what the
/// agent's editor writes into the lab's files is what the stand-in then connects to.
/// </summary>
public sealed class TenantHostConfigTests : IDisposable
{
    private readonly TestDirectory _directory = new("standin-config");

    public void Dispose() => _directory.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Solr_IncludeFileSourcedByTheShell_ExportQuotingAndCommentsAsSolrSeesThem()
    {
        var path = Write("solr.in.sh", "#ZK_HOST=\"old:2181/solr\"\nSOLR_HEAP=512m # heap\nexport ZK_HOST='10.0.0.1:2181,10.0.0.2:2182/solr' ; ZK_CLIENT_TIMEOUT=15000\n");

        var connect = await ProductConnect.LoadAsync(TenantProduct.Solr, path, CancellationToken.None);

        Assert.Equal(new ProductConnect("10.0.0.1:2181,10.0.0.2:2182", "/solr", 15000), connect);
    }

    [Fact]
    public async Task Solr_NoZkHost_RefusedAsNotSolrCloud()
    {
        var path = Write("solr.in.sh", "#ZK_HOST=h:2181\nSOLR_PORT=8983\n");

        var error = await Assert.ThrowsAsync<StandInConfigException>(() => ProductConnect.LoadAsync(TenantProduct.Solr, path, CancellationToken.None));

        Assert.Contains("sets no ZK_HOST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HBase_BareHostsTakeTheClientPortAndTheLaterPropertyWins()
    {
        var path = Write("hbase-site.xml", """
            <?xml version="1.0"?>
            <configuration>
              <property><name>hbase.zookeeper.quorum</name><value>old</value></property>
              <!-- <property><name>zookeeper.znode.parent</name><value>/commented</value></property> -->
              <property><name>hbase.zookeeper.quorum</name><value>h1, h2:2182</value></property>
              <property><name>hbase.zookeeper.property.clientPort</name><value>2185</value></property>
              <property><name>zookeeper.znode.parent</name><value>/hbase-x/</value></property>
            </configuration>
            """);

        var connect = await ProductConnect.LoadAsync(TenantProduct.HBase, path, CancellationToken.None);

        Assert.Equal(new ProductConnect("h1:2185,h2:2182", "/hbase-x", 90000), connect);
    }

    [Fact]
    public async Task ClickHouse_NodesPortDefaultAndRoot_TwoZooKeeperSectionsRefused()
    {
        var path = Write("zookeeper.xml", "<clickhouse><zookeeper><node index=\"1\"><host>z1</host><port>2182</port></node><node><host>z2</host></node><root>/ch/</root><session_timeout_ms>6000</session_timeout_ms></zookeeper></clickhouse>");
        var twice = Write("twice.xml", "<clickhouse><zookeeper><node><host>z1</host></node></zookeeper><zookeeper/></clickhouse>");

        var connect = await ProductConnect.LoadAsync(TenantProduct.ClickHouse, path, CancellationToken.None);
        var error = await Assert.ThrowsAsync<StandInConfigException>(() => ProductConnect.LoadAsync(TenantProduct.ClickHouse, twice, CancellationToken.None));

        Assert.Equal(new ProductConnect("z1:2182,z2:2181", "/ch", 6000), connect);
        Assert.Contains("2 <zookeeper> elements", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The lab's file of each product, switched by the agent's editor with the preset's keys, read back by the stand-in.</summary>
    [Theory]
    [InlineData("solr")]
    [InlineData("hbase")]
    [InlineData("clickhouse")]
    public async Task LabFile_EditedByTheAgentsEditor_TheStandInConnectsToTheNewServers(string name)
    {
        var product = LabTenantProduct.All[name];
        var location = name switch
        {
            "solr" => new ConnectStringLocation(ConnectStringFormat.ShellEnv, "ZK_HOST"),
            "hbase" => new ConnectStringLocation(ConnectStringFormat.HadoopXml, "hbase.zookeeper.quorum", "hbase.zookeeper.property.clientPort", "zookeeper.znode.parent"),
            _ => new ConnectStringLocation(ConnectStringFormat.ClickHouseXml, ""),
        };
        var source = product.RenderConfig([("10.251.0.11", 2181), ("10.251.0.12", 2181), ("10.251.0.13", 2181)]);
        var target = "10.251.0.14:2181,10.251.0.15:2181" + product.Chroot;
        var kind = name switch { "solr" => TenantProduct.Solr, "hbase" => TenantProduct.HBase, _ => TenantProduct.ClickHouse };
        var before = await ProductConnect.LoadAsync(kind, Write(name + ".before", source), CancellationToken.None);

        var after = await ProductConnect.LoadAsync(kind, Write(name + ".after", ConnectStringFileFormats.Write(source, location, ConnectionString.Parse(target))), CancellationToken.None);

        Assert.Equal("10.251.0.11:2181,10.251.0.12:2181,10.251.0.13:2181" + product.Chroot, before.ConnectString);
        Assert.Equal(target, after.ConnectString);
        Assert.Equal(15000, after.SessionTimeoutMs);
    }
}
