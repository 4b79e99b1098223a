namespace ZkMitosis.ZooKeeper.Security;

/// <summary>Why a TLS handshake with a ZooKeeper server was refused.</summary>
public enum ZooKeeperTlsFailure
{
    /// <summary>The server's certificate does not chain to the configured CA.</summary>
    Untrusted,

    /// <summary>The server's certificate (or one of its chain) is expired or not yet valid.</summary>
    Expired,

    /// <summary>The server's certificate does not name the host connected to (hostname verification is on).</summary>
    HostnameMismatch,

    /// <summary>The handshake failed for another reason: no TLS on that port, the server refused this client's certificate, no common protocol.</summary>
    Handshake,
}

/// <summary>
/// The TLS handshake with a ZooKeeper server failed; <see cref="Failure"/> says why and the message says it in
/// one line, naming the server and the certificate (never a key or a password). Certificate problems do not heal
/// by retrying, so <see cref="ZooKeeperClient.ConnectAsync"/> throws this once every server of the list refused.
/// </summary>
public sealed class ZooKeeperTlsException : Exception
{
    /// <summary>Creates the exception; <paramref name="detail"/> is one line.</summary>
    public ZooKeeperTlsException(ZooKeeperTlsFailure failure, string server, string detail, Exception? innerException = null)
        : base($"TLS to {server} failed: {detail}", innerException)
    {
        Failure = failure;
        Server = server;
    }

    /// <summary>Why the handshake failed.</summary>
    public ZooKeeperTlsFailure Failure { get; }

    /// <summary>"host:port" of the server.</summary>
    public string Server { get; }
}
