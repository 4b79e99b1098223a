namespace ZkMitosis.Agent.Configuration;

/// <summary>
/// This host's ZooKeeper security files (absolute paths). The server's: what the destination's zoo.cfg names when it
/// carries the source's TLS and SASL settings. The files stay where the operator put them; the agent only names them (it
/// never reads a password). One key store and one trust store serve both the client port (<c>ssl.*</c>) and the quorum
/// (<c>ssl.quorum.*</c>), as a host has one identity. Default: none; a source setting that needs a file this host does
/// not have is refused. The agent's own (<c>Agent*</c>): what the agent reads when it asks its local server for its
/// status over TLS, because the server serves clients on its <c>secureClientPort</c> only.
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

    /// <summary>
    /// PEM file of the CA the local server's certificate chains to. Setting it lets the agent send its four-letter words
    /// (<c>srvr</c>, <c>mntr</c>, <c>cons</c>) over TLS to a server whose zoo.cfg has a <c>secureClientPort</c> and no
    /// <c>clientPort</c>; a server with a plain client port is still asked on that port. Default: none (such a server's
    /// status is unknown, with an error saying this setting is missing). Checked at start: it must exist and hold a
    /// certificate.
    /// </summary>
    public string? AgentCaFile { get; set; }

    /// <summary>
    /// PEM file of the certificate the agent presents to its local server over TLS, for <c>ssl.clientAuth=need</c>
    /// (ZooKeeper's default) or <c>want</c>; the server must trust its issuer (its <c>ssl.trustStore</c>). Needs
    /// <see cref="AgentKeyFile"/>. Default: none (no client certificate: only a server with <c>ssl.clientAuth=none</c>
    /// accepts the agent).
    /// </summary>
    public string? AgentCertificateFile { get; set; }

    /// <summary>
    /// PEM file of the unencrypted private key (PKCS#8, PKCS#1 or SEC1) of <see cref="AgentCertificateFile"/>; readable by
    /// the agent only (it runs as root). Default: none.
    /// </summary>
    public string? AgentKeyFile { get; set; }

    /// <summary>
    /// Check that the local server's certificate names the host the agent connects to (<c>ZooKeeper.ClientHost</c>, else
    /// zoo.cfg's <c>secureClientPortAddress</c>, else 127.0.0.1), as ZooKeeper's <c>ssl.hostnameVerification</c>. A
    /// certificate that names only the host's DNS name needs <c>ZooKeeper.ClientHost</c> set to that name, or this off.
    /// Default true.
    /// </summary>
    public bool AgentHostnameVerification { get; set; } = true;
}
