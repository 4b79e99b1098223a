using System.Globalization;
using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// Registers <c>/brokers/ids/&lt;id&gt;</c> as an ephemeral node of the current session, as Kafka's
/// <c>checkedEphemeralCreate</c> does (<see cref="EphemeralRegistration"/>). The registration's czxid is the broker epoch.
/// </summary>
internal static class BrokerRegistration
{
    public static string PathFor(int brokerId) => "/brokers/ids/" + brokerId.ToString(CultureInfo.InvariantCulture);

    public static async Task<long> RegisterAsync(ZooKeeperClient client, ServerProperties properties, StateStore state, ILogger logger, CancellationToken cancellationToken)
    {
        var path = PathFor(properties.BrokerId);
        var brokerEpoch = await EphemeralRegistration.RegisterAsync(client, path, () => KafkaJson.BrokerRegistration(properties.Listeners, DateTimeOffset.UtcNow, properties.Rack), KafkaBrokerStandIn.AclsFor(properties), logger, cancellationToken).ConfigureAwait(false);
        state.Update(s => s with { Registered = true, BrokerEpoch = brokerEpoch, RegisteredAt = s.RegisteredAt ?? DateTimeOffset.UtcNow });
        state.Flush();
        StandInLog.Registered(logger, properties.BrokerId, path, brokerEpoch);
        return brokerEpoch;
    }
}
