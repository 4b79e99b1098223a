using System.Globalization;
using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// Registers <c>/brokers/ids/&lt;id&gt;</c> as an ephemeral node of the current session, as Kafka's
/// <c>checkedEphemeralCreate</c> does: after a connection loss a node owned by our own session counts as
/// created; one owned by an older session (a restart faster than the old session's expiry) is waited out.
/// The registration's czxid is the broker epoch.
/// </summary>
internal static class BrokerRegistration
{
    public static string PathFor(int brokerId) => "/brokers/ids/" + brokerId.ToString(CultureInfo.InvariantCulture);

    public static async Task<long> RegisterAsync(ZooKeeperClient client, ServerProperties properties, StateStore state, ILogger logger, CancellationToken cancellationToken)
    {
        await Retry.EnsurePathAsync(client, "/brokers/ids", logger, cancellationToken).ConfigureAwait(false);
        var path = PathFor(properties.BrokerId);
        while (true)
        {
            var epoch = await Retry.TransientAsync(
                async token =>
                {
                    try
                    {
                        var created = await client.Create2Async(path, KafkaJson.BrokerRegistration(properties.Listeners, DateTimeOffset.UtcNow, properties.Rack), CreateMode.Ephemeral, cancellationToken: token).ConfigureAwait(false);
                        return created.Stat.Czxid;
                    }
                    catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
                    {
                        var existing = await client.ExistsAsync(path, cancellationToken: token).ConfigureAwait(false);
                        if (existing is null)
                        {
                            return (long?)null;
                        }

                        if (existing.EphemeralOwner == client.SessionId)
                        {
                            return existing.Czxid;
                        }

                        StandInLog.RegistrationHeld(logger, path, existing.EphemeralOwner);
                        await Task.Delay(TimeSpan.FromMilliseconds(500), token).ConfigureAwait(false);
                        return null;
                    }
                },
                "register " + path,
                logger,
                cancellationToken).ConfigureAwait(false);
            if (epoch is { } brokerEpoch)
            {
                state.Update(s => s with { Registered = true, BrokerEpoch = brokerEpoch, RegisteredAt = s.RegisteredAt ?? DateTimeOffset.UtcNow });
                state.Flush();
                StandInLog.Registered(logger, properties.BrokerId, path, brokerEpoch);
                return brokerEpoch;
            }
        }
    }
}
