using System.Globalization;
using System.Security;
using System.Text;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Lab.Hosts;

/// <summary>
/// A non-Kafka tenant the lab can run beside Kafka, each host running the tenant-host STAND-IN in the product's mode (not
/// the product): where the product keeps its connect string (written here as the product ships it), the tenant's chroot,
/// the plan's preset, the host names and addresses (.201–.209 Solr, .211–.219 HBase, .221–.229 ClickHouse: <see cref="LabSubnet"/>).
/// </summary>
/// <param name="Name">The product, as <c>lab up --tenants</c>, the plan's tenant name and the stand-in's mode spell it.</param>
/// <param name="Chroot">The tenant's root znode.</param>
/// <param name="ConfigId">The agent's TenantConfigFiles id (the preset's default).</param>
/// <param name="ConfigFile">The file under the host's tree, where the product's packages put it.</param>
/// <param name="AddressBase">Host n lives at .(AddressBase + n).</param>
/// <param name="VethLetter">The letter of its veth links (prefix + letter + n).</param>
public sealed record LabTenantProduct(string Name, string Chroot, string ConfigId, string ConfigFile, int AddressBase, char VethLetter)
{
    /// <summary>The ClickHouse-like tenant's replicated table (its replicas register <c>is_active</c> under it).</summary>
    public const string ClickHouseTable = "/tables/t1";

    public static readonly LabTenantProduct Solr = new("solr", "/solr", "solr", "etc/default/solr.in.sh", 200, 's');
    public static readonly LabTenantProduct HBase = new("hbase", "/hbase", "hbase", "etc/hbase/conf/hbase-site.xml", 210, 'h');
    public static readonly LabTenantProduct ClickHouse = new("clickhouse", "/clickhouse", "clickhouse", "etc/clickhouse-server/config.d/zookeeper.xml", 220, 'c');

    /// <summary>Every product by name.</summary>
    public static IReadOnlyDictionary<string, LabTenantProduct> All { get; } = new[] { Solr, HBase, ClickHouse }.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The plan's preset name (the product's own).</summary>
    public string Preset => Name;

    /// <summary>The name <paramref name="host"/> registers as: Solr's <c>host:8983_solr</c>, HBase's <c>host,16020,startcode</c> without the startcode, ClickHouse's replica name.</summary>
    public string NodeName(LabHost host) => Name switch
    {
        "solr" => new HostEndpoint(host.Address, 8983) + "_solr",
        "hbase" => host.Name + ",16020",
        _ => host.Name,
    };

    /// <summary>The plan's health path (under the chroot): Solr and HBase take their preset's; ClickHouse names its table's replicas.</summary>
    public string? HealthPath => Name == "clickhouse" ? ClickHouseTable + "/replicas" : null;

    /// <summary>The config file as the product ships it, pointing at <paramref name="zooKeeperHosts"/> (<c>h:p,…</c>) and the chroot.</summary>
    public string RenderConfig(IReadOnlyList<(string Host, int Port)> zooKeeperHosts)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        switch (Name)
        {
            case "solr":
                text.Append("# solr.in.sh, written by zkmitosis lab. This host runs the Solr node STAND-IN.\n")
                    .Append("SOLR_HEAP=\"512m\"\n")
                    .Append("# ZooKeeper ensemble, chroot appended (Solr Reference Guide, ZooKeeper Ensemble Configuration)\n")
                    .Append("ZK_HOST=\"").AppendJoin(',', zooKeeperHosts.Select(z => new HostEndpoint(z.Host, z.Port).ToString())).Append(Chroot).Append("\"\n")
                    .Append("ZK_CLIENT_TIMEOUT=\"15000\"\n")
                    .Append("SOLR_PORT=8983\n");
                break;
            case "hbase":
                text.Append("<?xml version=\"1.0\"?>\n<!-- hbase-site.xml, written by zkmitosis lab. This host runs the HBase region server STAND-IN. -->\n<configuration>\n")
                    .Append("  <property>\n    <name>hbase.cluster.distributed</name>\n    <value>true</value>\n  </property>\n")
                    .Append("  <property>\n    <name>hbase.zookeeper.quorum</name>\n    <value>").AppendJoin(',', zooKeeperHosts.Select(z => SecurityElement.Escape(z.Host))).Append("</value>\n  </property>\n")
                    .Append(inv, $"  <property>\n    <name>hbase.zookeeper.property.clientPort</name>\n    <value>{zooKeeperHosts[0].Port}</value>\n  </property>\n")
                    .Append("  <property>\n    <name>zookeeper.znode.parent</name>\n    <value>").Append(Chroot).Append("</value>\n  </property>\n")
                    .Append("  <property>\n    <name>zookeeper.session.timeout</name>\n    <value>15000</value>\n  </property>\n")
                    .Append("</configuration>\n");
                break;
            default:
                text.Append("<?xml version=\"1.0\"?>\n<!-- config.d/zookeeper.xml, written by zkmitosis lab. This host runs the ClickHouse replica STAND-IN. -->\n<clickhouse>\n    <zookeeper>\n");
                for (var i = 0; i < zooKeeperHosts.Count; i++)
                {
                    text.Append(inv, $"        <node index=\"{i + 1}\">\n            <host>{SecurityElement.Escape(zooKeeperHosts[i].Host)}</host>\n            <port>{zooKeeperHosts[i].Port}</port>\n        </node>\n");
                }

                text.Append("        <session_timeout_ms>15000</session_timeout_ms>\n        <root>").Append(Chroot).Append("</root>\n    </zookeeper>\n</clickhouse>\n");
                break;
        }

        return text.ToString();
    }
}
