namespace ZkMitosis.Agent.Configuration;

/// <summary>
/// This host's ZooKeeper security files (absolute paths): what the destination's zoo.cfg names when it carries the
/// source's TLS and SASL settings. The files stay where the operator put them; the agent only names them (it never reads
/// a password). One key store and one trust store serve both the client port (<c>ssl.*</c>) and the quorum
/// (<c>ssl.quorum.*</c>), as a host has one identity. Default: none; a source setting that needs a file this host does
/// not have is refused.
/// </summary>
public sealed class ZooKeeperSecurityOptions
{
    /// <summary>The host's key store (its certificate and private key), e.g. <c>/etc/zookeeper/ssl/server.pem</c>.</summary>
    public string? KeyStore { get; set; }

    /// <summary>The key store's format as ZooKeeper names it: <c>PEM</c>, <c>JKS</c>, <c>PKCS12</c>. Default: from the file's extension (ZooKeeper's own default).</summary>
    public string? KeyStoreType { get; set; }

    /// <summary>A file holding the key store's password (<c>ssl.keyStore.passwordPath</c>, ZooKeeper 3.8+), so no password sits in zoo.cfg. Default: none.</summary>
    public string? KeyStorePasswordFile { get; set; }

    /// <summary>The host's trust store (the CA its peers' and clients' certificates chain to).</summary>
    public string? TrustStore { get; set; }

    /// <summary>The trust store's format: <c>PEM</c>, <c>JKS</c>, <c>PKCS12</c>. Default: from the file's extension.</summary>
    public string? TrustStoreType { get; set; }

    /// <summary>A file holding the trust store's password (<c>ssl.trustStore.passwordPath</c>). Default: none.</summary>
    public string? TrustStorePasswordFile { get; set; }

    /// <summary>The JAAS file of the server (its <c>Server</c>, <c>QuorumServer</c> and <c>QuorumLearner</c> sections), given to the JVM as <c>java.security.auth.login.config</c>.</summary>
    public string? JaasFile { get; set; }
}
