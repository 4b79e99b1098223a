namespace ZkMitosis.ZooKeeper;

/// <summary>The client's view of its session.</summary>
public enum ZooKeeperState
{
    /// <summary>Establishing the first connection, or a new connection after a loss.</summary>
    Connecting,

    /// <summary>Session established on a read-write server.</summary>
    Connected,

    /// <summary>Session on a server in read-only mode (only with <see cref="ZooKeeperClientOptions.CanBeReadOnly"/>).</summary>
    ConnectedReadOnly,

    /// <summary>The connection was lost; the client is reconnecting with the same session.</summary>
    Disconnected,

    /// <summary>The server declared the session expired: final, calls fail with SessionExpired.</summary>
    Expired,

    /// <summary>The server rejected the authentication data: final.</summary>
    AuthFailed,

    /// <summary>Closed by the caller: final.</summary>
    Closed,
}

/// <summary>One transition of <see cref="ZooKeeperClient.State"/>; <paramref name="Server"/> is the server connected to, if any.</summary>
public sealed record ZooKeeperStateChange(ZooKeeperState Previous, ZooKeeperState Current, string? Server, DateTimeOffset At);
