using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// Creates an ephemeral registration of the current session the way Kafka's <c>checkedEphemeralCreate</c> (and Curator's
/// protected creates) do: after a connection loss a node owned by our own session counts as created; one owned by an older
/// session (a restart faster than the old session's expiry) is waited out until ZooKeeper deletes it.
/// </summary>
internal static class EphemeralRegistration
{
    private static readonly TimeSpan HeldPause = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Registers <paramref name="path"/> (its parent created when missing) and returns the registration's czxid.
    /// <paramref name="acls"/> gives the ACL of every node created, by path (null: world-writable).
    /// </summary>
    public static async Task<long> RegisterAsync(ZooKeeperClient client, string path, Func<byte[]> data, Func<string, IReadOnlyList<ZooKeeperAcl>>? acls, ILogger logger, CancellationToken cancellationToken)
    {
        await Retry.EnsurePathAsync(client, path[..path.LastIndexOf('/')], acls, logger, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var czxid = await Retry.TransientAsync(
                async token =>
                {
                    try
                    {
                        var created = await client.Create2Async(path, data(), CreateMode.Ephemeral, acls?.Invoke(path), cancellationToken: token).ConfigureAwait(false);
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
                        await Task.Delay(HeldPause, token).ConfigureAwait(false);
                        return null;
                    }
                },
                "register " + path,
                logger,
                cancellationToken).ConfigureAwait(false);
            if (czxid is { } registered)
            {
                return registered;
            }
        }
    }
}
