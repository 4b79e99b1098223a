using Microsoft.Extensions.Logging;

namespace ZkMitosis.ZooKeeper;

/// <summary>The client's log messages (event ids 1000–1099).</summary>
internal static partial class ZooKeeperClientLog
{
    [LoggerMessage(1000, LogLevel.Information, "ZooKeeper session 0x{SessionId:x} established on {Server} (timeout {TimeoutMs} ms, read-only {ReadOnly})")]
    public static partial void Connected(ILogger logger, long sessionId, string server, int timeoutMs, bool readOnly);

    [LoggerMessage(1001, LogLevel.Warning, "ZooKeeper connection to {Server} lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string server, string reason);

    [LoggerMessage(1002, LogLevel.Debug, "ZooKeeper connect attempt to {Server} failed: {Reason}")]
    public static partial void ConnectAttemptFailed(ILogger logger, string server, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "ZooKeeper session 0x{SessionId:x} expired (told by {Server})")]
    public static partial void SessionExpired(ILogger logger, long sessionId, string server);

    [LoggerMessage(1004, LogLevel.Error, "a ZooKeeper watcher or state-change handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(1005, LogLevel.Information, "ZooKeeper session 0x{SessionId:x} closed")]
    public static partial void Closed(ILogger logger, long sessionId);

    [LoggerMessage(1006, LogLevel.Information, "ZooKeeper client leaving {Server}: not in the updated server list")]
    public static partial void MovingServer(ILogger logger, string server);

    [LoggerMessage(1007, LogLevel.Information, "server {Server} does not implement multiRead; falling back to pipelined single reads")]
    public static partial void MultiReadFallback(ILogger logger, string server);

    [LoggerMessage(1008, LogLevel.Error, "ZooKeeper authentication failed on {Server}")]
    public static partial void AuthFailed(ILogger logger, string server);
}
