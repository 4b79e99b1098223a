using System.Globalization;
using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;

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
    private readonly StateStore _state;
    private readonly TimeSpan _writeInterval;
    private readonly ILogger _logger;

    public KafkaBrokerStandIn(ServerProperties properties, StateStore state, TimeSpan writeInterval, ILogger logger)
    {
        _properties = properties;
        _state = state;
        _writeInterval = writeInterval;
        _logger = logger;
    }

    /// <summary>Where broker N's serial-numbered writes go (under the chroot), shaped like ISR change notifications.</summary>
    public static string WritePathPrefix(int brokerId) =>
        $"/isr_change_notification/isr_change_b{brokerId.ToString(CultureInfo.InvariantCulture)}_";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var loop = new SessionLoop(_properties.ConnectString, TimeSpan.FromMilliseconds(_properties.SessionTimeoutMs), _state, _logger);
        await loop.RunAsync(RunSessionAsync, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunSessionAsync(ZooKeeperClient client, CancellationToken sessionToken)
    {
        await BrokerRegistration.RegisterAsync(client, _properties, _state, _logger, sessionToken).ConfigureAwait(false);
        var controller = new ControllerRole(_properties, _state, _logger);
        var writer = new SerialWriter(WritePathPrefix(_properties.BrokerId), serial => KafkaJson.Notification(_properties.BrokerId, serial), _writeInterval, _state, _logger);
        await Task.WhenAll(controller.RunAsync(client, sessionToken), writer.RunAsync(client, sessionToken)).ConfigureAwait(false);
    }
}
