namespace ZkMitosis.KafkaStandIn.TenantHosts;

/// <summary>The products whose ZooKeeper behaviour the tenant-host STAND-IN imitates (lab and tests only).</summary>
internal enum TenantProduct
{
    /// <summary>A Solr node: <c>ZK_HOST</c> from <c>solr.in.sh</c>, an ephemeral under <c>/live_nodes</c>.</summary>
    Solr,

    /// <summary>An HBase region server: <c>hbase-site.xml</c>, an ephemeral under <c>&lt;parent&gt;/rs</c>.</summary>
    HBase,

    /// <summary>A ClickHouse replica: <c>config.xml</c>'s <c>&lt;zookeeper&gt;</c>, an ephemeral <c>…/replicas/&lt;replica&gt;/is_active</c>.</summary>
    ClickHouse,
}
