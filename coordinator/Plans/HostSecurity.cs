namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// A key store and a trust store on a destination host, as ZooKeeper reads them (<c>ssl.keyStore.*</c>,
/// <c>ssl.trustStore.*</c>, or their <c>ssl.quorum.</c> forms). Paths on that host, carried to its agent; the
/// coordinator never opens them.
/// </summary>
/// <param name="KeyStore">The server's certificate and key (<c>…keyStore.location</c>).</param>
/// <param name="TrustStore">The CA(s) its peers' or clients' certificates must chain to (<c>…trustStore.location</c>).</param>
/// <param name="Type">PEM, JKS or PKCS12 (<c>…keyStore.type</c>, <c>…trustStore.type</c>); null: ZooKeeper guesses from the file name.</param>
/// <param name="PasswordFile">A file on the host holding the stores' password (JKS, PKCS12), or null (PEM needs none).</param>
public sealed record TlsStoreSpec(string KeyStore, string TrustStore, string? Type, string? PasswordFile);

/// <summary>
/// The security files on one destination host (<c>destination.servers[i].hostSecurity</c>): what that host's
/// ZooKeeper uses to carry the source's security settings with its own keys. Paths on that host, validated for
/// shape only (absolute, no <c>..</c>, no control character); the agent renders them into the host's config.
/// </summary>
/// <param name="ClientTls">Stores of the host's <c>secureClientPort</c> (<c>ssl.*</c>), or null.</param>
/// <param name="QuorumTls">Stores of quorum TLS (<c>ssl.quorum.*</c>, with <c>sslQuorum=true</c>), or null.</param>
/// <param name="Jaas">The host's JAAS file (<c>java.security.auth.login.config</c>): its <c>Server</c> section for client
/// SASL, <c>QuorumServer</c>/<c>QuorumLearner</c> for quorum SASL; or null.</param>
public sealed record HostSecurity(TlsStoreSpec? ClientTls, TlsStoreSpec? QuorumTls, string? Jaas)
{
    /// <summary>No file.</summary>
    public static HostSecurity None { get; } = new(null, null, null);
}
