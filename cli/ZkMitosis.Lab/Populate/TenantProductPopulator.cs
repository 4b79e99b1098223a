using System.Text;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Lab.Populate;

/// <summary>
/// The non-Kafka tenants' trees as the products create them before their hosts start: Solr's chroot (<c>bin/solr zk
/// mkroot</c>) with <c>/live_nodes</c> and a collection's state, HBase's parent with <c>rs</c>, ClickHouse's root with the
/// replicated table's <c>replicas</c> and <c>log</c>. One atomic multi per lab.
/// </summary>
public static class TenantProductPopulator
{
    public static async Task PopulateAsync(string connectString, IEnumerable<LabTenantProduct> products, CancellationToken cancellationToken)
    {
        var ops = products.SelectMany(Nodes).Select(n => Op.Create(n.Path, Encoding.UTF8.GetBytes(n.Data))).ToList();
        if (ops.Count == 0)
        {
            return;
        }

        await using var client = await ZooKeeperClient.ConnectAsync(connectString, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(20) }, cancellationToken).ConfigureAwait(false);
        (await client.MultiAsync(ops, cancellationToken).ConfigureAwait(false)).EnsureCommitted();
        await client.CloseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The nodes of one product's tree, parents first.</summary>
    public static IReadOnlyList<(string Path, string Data)> Nodes(LabTenantProduct product)
    {
        var root = product.Chroot;
        return product.Name switch
        {
            "solr" =>
            [
                (root, ""), (root + "/live_nodes", ""), (root + "/overseer", ""), (root + "/overseer/queue", ""),
                (root + "/collections", ""), (root + "/collections/c1", ""),
                (root + "/collections/c1/state.json", "{\"c1\":{\"replicationFactor\":\"2\",\"router\":{\"name\":\"compositeId\"}}}"),
                (root + "/clusterprops.json", "{\"urlScheme\":\"http\"}"),
            ],
            "hbase" =>
            [
                (root, ""), (root + "/rs", ""), (root + "/splitWAL", ""), (root + "/table", ""), (root + "/table/t1", ""),
                (root + "/hbaseid", "lab-hbase-cluster-id"),
            ],
            _ =>
            [
                (root, ""), (root + "/tables", ""), (root + LabTenantProduct.ClickHouseTable, "metadata format version: 4"),
                (root + LabTenantProduct.ClickHouseTable + "/replicas", ""), (root + LabTenantProduct.ClickHouseTable + "/log", ""),
                (root + LabTenantProduct.ClickHouseTable + "/columns", "columns format version: 1\n2 columns:\n`id` UInt64\n`v` String\n"),
            ],
        };
    }
}
