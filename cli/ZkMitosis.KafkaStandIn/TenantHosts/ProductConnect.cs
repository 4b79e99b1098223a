namespace ZkMitosis.KafkaStandIn.TenantHosts;

/// <summary>
/// What a tenant-host stand-in read from its product's configuration file: the ZooKeeper hosts and the chroot the product
/// would connect with, and the session timeout it would ask for.
/// </summary>
/// <param name="Hosts"><c>host:port,…</c> without chroot.</param>
/// <param name="Chroot">The product's root znode (<c>/solr</c>, HBase's <c>zookeeper.znode.parent</c>, ClickHouse's <c>&lt;root&gt;</c>), or "".</param>
/// <param name="SessionTimeoutMs">The session timeout the product asks for, in milliseconds.</param>
internal sealed record ProductConnect(string Hosts, string Chroot, int SessionTimeoutMs)
{
    /// <summary>hosts + chroot, as the ZooKeeper client takes it.</summary>
    public string ConnectString => Hosts + Chroot;

    /// <summary>Reads <paramref name="path"/> as <paramref name="product"/> does.</summary>
    /// <exception cref="StandInConfigException">the file is missing or does not say where ZooKeeper is.</exception>
    public static async Task<ProductConnect> LoadAsync(TenantProduct product, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new StandInConfigException($"{path} does not exist");
        }

        return product switch
        {
            TenantProduct.Solr => await SolrIncludeFile.ReadAsync(path, cancellationToken).ConfigureAwait(false),
            TenantProduct.HBase => HBaseSiteFile.Read(path),
            _ => ClickHouseConfigFile.Read(path),
        };
    }

    /// <summary>Splits <c>hosts[/chroot]</c> at the first '/', as ZooKeeper's <c>ConnectStringParser</c> does.</summary>
    public static (string Hosts, string Chroot) SplitChroot(string connect)
    {
        var slash = connect.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (connect, "") : (connect[..slash], connect[slash..].TrimEnd('/'));
    }
}
