using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// What each preset fills in when the plan does not say (docs/tenants.md cites the product documentation behind every
/// value). A plan's <c>connect:</c> and <c>health:</c> fields override them; <c>generic</c> fills in nothing.
/// </summary>
public static class TenantPresets
{
    /// <summary>A preset's defaults: the connect-string place, whether the chroot is in the connect string, the registration path and child.</summary>
    /// <param name="ConfigId">The agent's TenantConfigFiles id; null = Kafka's server.properties.</param>
    /// <param name="Location">Format and keys; null = the plan must give them.</param>
    /// <param name="ChrootInConnect">Whether the product reads its chroot from the connect string.</param>
    /// <param name="RegistrationPath">Where live hosts register, relative to the chroot; null = the plan must give it.</param>
    /// <param name="Child">The ephemeral each registered child holds, or null.</param>
    /// <param name="OneRegistration">The gate waits for one registration (an elected lock), not one per host.</param>
    public sealed record Defaults(string? ConfigId, ConnectStringLocation? Location, bool ChrootInConnect, string? RegistrationPath, string? Child, bool OneRegistration);

    /// <summary>The preset names as the plan spells them.</summary>
    public static IReadOnlyDictionary<string, TenantPreset> Names { get; } = new Dictionary<string, TenantPreset>(StringComparer.Ordinal)
    {
        ["kafka"] = TenantPreset.Kafka,
        ["solr"] = TenantPreset.Solr,
        ["hbase"] = TenantPreset.HBase,
        ["clickhouse"] = TenantPreset.ClickHouse,
        ["hadoop-ha"] = TenantPreset.HadoopHa,
        ["nifi"] = TenantPreset.NiFi,
        ["generic"] = TenantPreset.Generic,
    };

    /// <summary>The format names as the plan spells them.</summary>
    public static IReadOnlyDictionary<string, ConnectStringFormat> Formats { get; } = new Dictionary<string, ConnectStringFormat>(StringComparer.Ordinal)
    {
        ["properties"] = ConnectStringFormat.Properties,
        ["shell-env"] = ConnectStringFormat.ShellEnv,
        ["hadoop-xml"] = ConnectStringFormat.HadoopXml,
        ["clickhouse-xml"] = ConnectStringFormat.ClickHouseXml,
        ["yaml"] = ConnectStringFormat.Yaml,
    };

    public static Defaults For(TenantPreset preset) => preset switch
    {
        // Kafka 3.x (ZooKeeper mode): server.properties zookeeper.connect with the chroot; brokers under /brokers/ids.
        TenantPreset.Kafka => new(null, ConnectStringLocation.KafkaServerProperties, true, "/brokers/ids", null, false),

        // Solr: ZK_HOST in solr.in.sh, chroot appended; live nodes are ephemerals under /live_nodes.
        TenantPreset.Solr => new("solr", new(ConnectStringFormat.ShellEnv, "ZK_HOST"), true, "/live_nodes", null, false),

        // HBase: hbase-site.xml quorum + clientPort + zookeeper.znode.parent (the chroot); region servers under <parent>/rs.
        TenantPreset.HBase => new("hbase", new(ConnectStringFormat.HadoopXml, "hbase.zookeeper.quorum", "hbase.zookeeper.property.clientPort", "zookeeper.znode.parent"), true, "/rs", null, false),

        // ClickHouse: <zookeeper> nodes and <root> (the chroot); replicas hold an ephemeral is_active, per table.
        TenantPreset.ClickHouse => new("clickhouse", new(ConnectStringFormat.ClickHouseXml, ""), true, null, "is_active", false),

        // Hadoop HA: core-site.xml ha.zookeeper.quorum without chroot (ZKFC's parent is ha.zookeeper.parent-znode);
        // the active NameNode's ZKFC holds the ephemeral ActiveStandbyElectorLock under /<nameservice>.
        TenantPreset.HadoopHa => new("core-site", new(ConnectStringFormat.HadoopXml, "ha.zookeeper.quorum"), false, null, null, true),

        // NiFi: nifi.properties nifi.zookeeper.connect.string without chroot (nifi.zookeeper.root.node holds it);
        // every node takes part in the cluster coordinator election with an ephemeral under /leaders/Cluster Coordinator.
        TenantPreset.NiFi => new("nifi", new(ConnectStringFormat.Properties, "nifi.zookeeper.connect.string"), false, "/leaders/Cluster Coordinator", null, false),

        _ => new(null, null, true, null, null, false),
    };
}
