using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// Retries a ZooKeeper call while it fails transiently (connection loss, timeout): the client is reconnecting
/// with the same session, as a Kafka broker's client does. Non-transient errors go to the caller.
/// </summary>
internal static class Retry
{
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    public static async Task<T> TransientAsync<T>(Func<CancellationToken, Task<T>> call, string operation, ILogger logger, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.IsTransient)
            {
                // Log the first failure and then every tenth: a reconnect takes a few attempts.
                if (failures++ % 10 == 0)
                {
                    StandInLog.Retrying(logger, operation, e.Message);
                }

                await Task.Delay(Pause, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Task TransientAsync(Func<CancellationToken, Task> call, string operation, ILogger logger, CancellationToken cancellationToken) =>
        TransientAsync(
            async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            },
            operation,
            logger,
            cancellationToken);

    /// <summary>
    /// Creates <paramref name="path"/> and its missing parents as empty persistent nodes; existing ones are fine.
    /// <paramref name="acls"/> gives each new node's ACL by path (null: world-writable, ZooKeeper's OPEN_ACL_UNSAFE).
    /// </summary>
    public static async Task EnsurePathAsync(ZooKeeperClient client, string path, Func<string, IReadOnlyList<ZooKeeperAcl>>? acls, ILogger logger, CancellationToken cancellationToken)
    {
        var current = string.Empty;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            var node = current;
            await TransientAsync(
                async token =>
                {
                    try
                    {
                        await client.CreateAsync(node, ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, acls?.Invoke(node), cancellationToken: token).ConfigureAwait(false);
                    }
                    catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
                    {
                        // Already there (or our own earlier attempt landed before a connection loss).
                    }
                },
                "create " + node,
                logger,
                cancellationToken).ConfigureAwait(false);
        }
    }
}
