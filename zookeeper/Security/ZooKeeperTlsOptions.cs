namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// TLS on the client connection, for a server's <c>secureClientPort</c> (ZooKeeper 3.5+, served by
/// <c>NettyServerCnxnFactory</c>). The files are read once, when the client connects; every connection, including a
/// reconnect to another server, makes its own handshake with them.
/// </summary>
public sealed class ZooKeeperTlsOptions
{
    /// <summary>
    /// PEM file of the CA certificate(s) the server's certificate must chain to (ZooKeeper's
    /// <c>zookeeper.ssl.trustStore.location</c> with type PEM). The system's trust store is not used.
    /// </summary>
    public required string CaFile { get; init; }

    /// <summary>
    /// PEM file of this client's certificate, for servers with <c>ssl.clientAuth=need</c> (ZooKeeper's default) or
    /// <c>want</c>; null sends none. Needs <see cref="KeyFile"/>.
    /// </summary>
    public string? CertificateFile { get; init; }

    /// <summary>PEM file of the unencrypted private key (PKCS#8, PKCS#1 or SEC1) of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>
    /// Check that the server's certificate names the host connected to (a DNS name or IP address in its subject
    /// alternative names, or its CN), as ZooKeeper's <c>zookeeper.ssl.hostnameVerification</c> (default true).
    /// </summary>
    public bool HostnameVerification { get; init; } = true;
}
