namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>Why a four-letter word (or AdminServer command) gave no usable answer.</summary>
public enum FourLetterWordFailure
{
    /// <summary>Nothing listens on the port, or the connection failed.</summary>
    Unreachable,

    /// <summary>No complete reply within the timeout.</summary>
    Timeout,

    /// <summary>"This ZooKeeper instance is not currently serving requests": electing, or cut off from its quorum.</summary>
    NotServing,

    /// <summary>"… is not executed because it is not in the whitelist": add it to <c>4lw.commands.whitelist</c>.</summary>
    NotWhitelisted,

    /// <summary>The reply is not what the command produces (garbage, truncated, too large, unknown command).</summary>
    Malformed,

    /// <summary>
    /// The TLS handshake was refused (untrusted or expired certificate, hostname mismatch, no TLS on the port, client
    /// certificate refused); the inner <see cref="Security.ZooKeeperTlsException"/> says which.
    /// </summary>
    Tls,
}
