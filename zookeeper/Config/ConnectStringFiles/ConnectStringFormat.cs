namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>How a tenant's config file holds its ZooKeeper connect string (docs/tenants.md lists which product uses which).</summary>
public enum ConnectStringFormat
{
    /// <summary>A Java properties key: Kafka <c>zookeeper.connect</c>, NiFi <c>nifi.zookeeper.connect.string</c>, Druid <c>druid.zk.service.host</c>.</summary>
    Properties,

    /// <summary>A shell environment file variable (<c>VAR=value</c>, optionally <c>export</c>ed, quoted or not): Solr's <c>ZK_HOST</c> in <c>solr.in.sh</c>.</summary>
    ShellEnv,

    /// <summary>
    /// A Hadoop-style <c>&lt;configuration&gt;&lt;property&gt;&lt;name/&gt;&lt;value/&gt;</c> file: the host list in one property,
    /// optionally the client port and the parent znode in others (HBase <c>hbase.zookeeper.quorum</c>,
    /// <c>hbase.zookeeper.property.clientPort</c>, <c>zookeeper.znode.parent</c>; Hadoop <c>ha.zookeeper.quorum</c>).
    /// </summary>
    HadoopXml,

    /// <summary>ClickHouse's <c>&lt;zookeeper&gt;&lt;node&gt;&lt;host/&gt;&lt;port/&gt;&lt;/node&gt;…&lt;root/&gt;&lt;/zookeeper&gt;</c>.</summary>
    ClickHouseXml,

    /// <summary>A YAML block-mapping key, named by its path with '.' between nesting levels (<c>zookeeper.connect</c> = <c>zookeeper:</c> → <c>connect:</c>).</summary>
    Yaml,
}

/// <summary>Where in a file of <see cref="Format"/> the connect string lives.</summary>
/// <param name="Format">The file's format.</param>
/// <param name="Key">The properties key, shell variable, Hadoop property name (the host list) or YAML path. Unused for ClickHouse (its element is <c>&lt;zookeeper&gt;</c>).</param>
/// <param name="PortKey">Hadoop XML only: the property holding the one client port (the host list then names hosts without ports).</param>
/// <param name="ParentKey">Hadoop XML only: the property holding the chroot (the parent znode); without it the chroot is appended to the host list.</param>
public sealed record ConnectStringLocation(ConnectStringFormat Format, string Key, string? PortKey = null, string? ParentKey = null)
{
    /// <summary>Kafka's <c>zookeeper.connect</c> in <c>server.properties</c>.</summary>
    public static ConnectStringLocation KafkaServerProperties { get; } = new(ConnectStringFormat.Properties, "zookeeper.connect");

    /// <summary>A short description for messages: <c>properties key zookeeper.connect</c>.</summary>
    public override string ToString() => Format switch
    {
        ConnectStringFormat.Properties => $"properties key {Key}",
        ConnectStringFormat.ShellEnv => $"shell variable {Key}",
        ConnectStringFormat.HadoopXml => $"property {Key}" + (PortKey is null ? "" : $" (port in {PortKey})") + (ParentKey is null ? "" : $" (parent in {ParentKey})"),
        ConnectStringFormat.ClickHouseXml => "<zookeeper> nodes",
        _ => $"YAML key {Key}",
    };
}
