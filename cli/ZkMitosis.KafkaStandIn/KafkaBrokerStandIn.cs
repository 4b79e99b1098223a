using System.Globalization;
using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// The Kafka broker STAND-IN: behaves toward ZooKeeper as a ZooKeeper-mode Kafka broker does (session,
/// <c>/brokers/ids/&lt;id&gt;</c> registration, controller election, partition state, a stream of notification
/// writes) for the lab and tests. It is not a Kafka broker and nothing in the agent or coordinator depends on it.
/// </summary>
internal sealed class KafkaBrokerStandIn
{
    /// <summary>Default pause between two notification writes: five a second.</summary>
    public static readonly TimeSpan DefaultWriteInterval = TimeSpan.FromMilliseconds(200);

    private readonly ServerProperties _properties;
    private readonly ZooKeeperSecurity _security;
    private readonly StateStore _state;
    private readonly TimeSpan _writeInterval;
    private readonly ILogger _logger;
    private bool _topLevelPathsCreated;

    /// <summary>
    /// The persistent paths a Kafka broker makes sure of at startup (<c>KafkaZkClient.createTopLevelPaths</c>, Kafka's
    /// <c>ZkData.PersistentZkPaths</c>), with the ACL <c>zookeeper.set.acl</c> gives them: the config entity types
    /// include the sensitive <c>/config/users</c> and <c>/config/brokers</c>. Less <c>/consumers</c> (old consumers; the
    /// lab has none) and <c>/latest_producer_id_block</c> (the lab's populator writes its data), so a populated lab's
    /// tree is unchanged.
    /// </summary>
    public static IReadOnlyList<string> TopLevelPaths { get; } =
    [
        "/admin/delete_topics", "/brokers/seqid", "/isr_change_notification", "/log_dir_event_notification", "/config/changes",
        "/config/topics", "/config/clients", "/config/users", "/config/brokers", "/config/ips",
    ];

    public KafkaBrokerStandIn(ServerProperties properties, ZooKeeperSecurity security, StateStore state, TimeSpan writeInterval, ILogger logger)
    {
        _properties = properties;
        _security = security;
        _state = state;
        _writeInterval = writeInterval;
        _logger = logger;
    }

    /// <summary>Where broker N's serial-numbered writes go (under the chroot), shaped like ISR change notifications.</summary>
    public static string WritePathPrefix(int brokerId) =>
        $"/isr_change_notification/isr_change_b{brokerId.ToString(CultureInfo.InvariantCulture)}_";

    /// <summary>The ACL of a znode this broker creates (paths relative to the chroot), by <c>zookeeper.set.acl</c>.</summary>
    public static Func<string, IReadOnlyList<ZooKeeperAcl>> AclsFor(ServerProperties properties) =>
        path => KafkaZnodeAcls.For(path, properties.SetAcl);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var loop = new SessionLoop(_properties.ConnectString, TimeSpan.FromMilliseconds(_properties.SessionTimeoutMs), _security, _state, _logger);
        await loop.RunAsync(RunSessionAsync, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunSessionAsync(ZooKeeperClient client, CancellationToken sessionToken)
    {
        // Once per process, as Kafka does at startup (a new session after an expiry finds them there).
        if (!_topLevelPathsCreated)
        {
            foreach (var path in TopLevelPaths)
            {
                await Retry.EnsurePathAsync(client, path, AclsFor(_properties), _logger, sessionToken).ConfigureAwait(false);
            }

            _topLevelPathsCreated = true;
        }

        await BrokerRegistration.RegisterAsync(client, _properties, _state, _logger, sessionToken).ConfigureAwait(false);
        var controller = new ControllerRole(_properties, _state, _logger);
        var writer = new SerialWriter(WritePathPrefix(_properties.BrokerId), serial => KafkaJson.Notification(_properties.BrokerId, serial), _writeInterval, _state, _logger, AclsFor(_properties));
        await Task.WhenAll(controller.RunAsync(client, sessionToken), writer.RunAsync(client, sessionToken)).ConfigureAwait(false);
    }
}
