using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.KafkaStandIn.TenantHosts;

/// <summary>
/// The tenant-host STAND-IN: behaves toward ZooKeeper as one host of a non-Kafka tenant does — reads its connect string
/// from the product's own file (<see cref="ProductConnect"/>), keeps one session (an expiry counted, then a new session as
/// the product would), registers the product's ephemeral and writes a stream of serial-numbered znodes under the chroot.
/// It is not Solr, HBase or ClickHouse, and nothing in the agent or coordinator depends on it.
/// </summary>
internal sealed class TenantHostStandIn
{
    private readonly TenantProduct _product;
    private readonly ProductConnect _connect;
    private readonly string _name;
    private readonly string _table;
    private readonly StateStore _state;
    private readonly TimeSpan _writeInterval;
    private readonly ILogger _logger;

    /// <param name="product">Which product's registration and writes to imitate.</param>
    /// <param name="connect">What the product's file says.</param>
    /// <param name="name">The Solr node name, HBase server name or ClickHouse replica name.</param>
    /// <param name="table">ClickHouse only: the replicated table's path under the root (<c>/tables/t1</c>).</param>
    /// <param name="state">Where the session, registration and acknowledged serials are recorded.</param>
    /// <param name="writeInterval">Pause between two writes.</param>
    /// <param name="logger">The stand-in's log.</param>
    public TenantHostStandIn(TenantProduct product, ProductConnect connect, string name, string table, StateStore state, TimeSpan writeInterval, ILogger logger)
    {
        _product = product;
        _connect = connect;
        _name = name;
        _table = table.TrimEnd('/');
        _state = state;
        _writeInterval = writeInterval;
        _logger = logger;
    }

    /// <summary>The kind recorded in the state file: <c>solr-node-stand-in</c>, <c>hbase-regionserver-stand-in</c>, <c>clickhouse-replica-stand-in</c>.</summary>
    public static string KindOf(TenantProduct product) => product switch
    {
        TenantProduct.Solr => "solr-node-stand-in",
        TenantProduct.HBase => "hbase-regionserver-stand-in",
        _ => "clickhouse-replica-stand-in",
    };

    /// <summary>
    /// The ephemeral registration, under the chroot: Solr <c>/live_nodes/&lt;node&gt;</c>; HBase <c>/rs/&lt;server&gt;</c> (the
    /// parent is the chroot); ClickHouse <c>&lt;table&gt;/replicas/&lt;replica&gt;/is_active</c>.
    /// </summary>
    public static string RegistrationPath(TenantProduct product, string name, string table) => product switch
    {
        TenantProduct.Solr => "/live_nodes/" + name,
        TenantProduct.HBase => "/rs/" + name,
        _ => table.TrimEnd('/') + "/replicas/" + name + "/is_active",
    };

    /// <summary>Where the serial-numbered writes go, shaped like the product's own: Solr's overseer queue, HBase's WAL splitting, a ClickHouse table's replication log.</summary>
    public static string WritePathPrefix(TenantProduct product, string name, string table) => product switch
    {
        TenantProduct.Solr => $"/overseer/queue/qn-{name}-",
        TenantProduct.HBase => $"/splitWAL/{name}-",
        _ => $"{table.TrimEnd('/')}/log/log-{name}-",
    };

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var loop = new SessionLoop(_connect.ConnectString, TimeSpan.FromMilliseconds(_connect.SessionTimeoutMs), ZooKeeperSecurity.None, _state, _logger);
        await loop.RunAsync(RunSessionAsync, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunSessionAsync(ZooKeeperClient client, CancellationToken sessionToken)
    {
        var path = RegistrationPath(_product, _name, _table);
        var czxid = await EphemeralRegistration.RegisterAsync(client, path, () => Encoding.UTF8.GetBytes(
            $"{KindOf(_product)} {_name} session 0x{client.SessionId.ToString("x", CultureInfo.InvariantCulture)}"), acls: null, _logger, sessionToken).ConfigureAwait(false);
        _state.Update(s => s with { Registered = true, BrokerEpoch = czxid, RegistrationPath = path });
        _state.Flush();
        StandInLog.TenantHostRegistered(_logger, KindOf(_product), path, czxid);
        var writer = new SerialWriter(WritePathPrefix(_product, _name, _table), serial => Encoding.ASCII.GetBytes($"{_name} {serial}"), _writeInterval, _state, _logger);
        await writer.RunAsync(client, sessionToken).ConfigureAwait(false);
    }
}
