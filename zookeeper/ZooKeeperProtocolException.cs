namespace ZkMitosis.ZooKeeper;

/// <summary>
/// The server (or whatever answered on its port) broke the ZooKeeper wire protocol: a reply with an xid nobody
/// waits for, a negative or oversize frame length, a truncated frame or record, garbage in the connect
/// response. The connection is closed; calls in flight fail with <see cref="KeeperException"/>
/// (<see cref="KeeperErrorCode.ConnectionLoss"/>) whose inner exception is this one.
/// </summary>
public sealed class ZooKeeperProtocolException : Exception
{
    public ZooKeeperProtocolException(string message, string? server = null)
        : base(server is null ? message : $"{server}: {message}")
    {
        Server = server;
    }

    /// <summary>"host:port" of the peer that broke the protocol, when known.</summary>
    public string? Server { get; }
}
