namespace ZkMitosis.Coordinator.Plans;

/// <summary>How the coordinator authenticates its own sessions on one ensemble (<c>security.clientAuth.scheme</c>).</summary>
public enum ClientAuthScheme
{
    /// <summary>SASL DIGEST-MD5 during the session handshake (ZooKeeper's <c>SASLAuthenticationProvider</c>); the ACL id is <c>sasl:USER</c>.</summary>
    Sasl,

    /// <summary><c>addauth digest user:password</c> after connecting (ZooKeeper's <c>DigestAuthenticationProvider</c>); the ACL id is <c>digest:USER:hash</c>.</summary>
    Digest,
}

/// <summary>
/// TLS of the coordinator's sessions to an ensemble's <c>secureClientPort</c>: files on the coordinator's host, PEM.
/// </summary>
/// <param name="Ca">CA certificate(s) the servers' certificates must chain to.</param>
/// <param name="Certificate">The coordinator's client certificate (servers default to <c>ssl.clientAuth=need</c>), or null.</param>
/// <param name="Key">The unencrypted private key of <paramref name="Certificate"/>, or null.</param>
/// <param name="HostnameVerification">Check that a server's certificate names its host, as ZooKeeper's <c>ssl.hostnameVerification</c> (default true).</param>
public sealed record ClientTlsSpec(string Ca, string? Certificate, string? Key, bool HostnameVerification);

/// <summary>The coordinator's credentials on an ensemble: a file on the coordinator's host, never the password itself.</summary>
/// <param name="Scheme">SASL DIGEST-MD5 or digest addauth.</param>
/// <param name="Credentials">A JAAS file (its <c>Client</c> section) or <c>username=</c>/<c>password=</c> lines; owner-only permissions.</param>
public sealed record ClientAuthSpec(ClientAuthScheme Scheme, string Credentials);

/// <summary>
/// The security of one ensemble (<c>source.security</c>, <c>destination.security</c>): how the coordinator's sessions
/// reach it, and what the ensemble requires, so that a plan whose settings cannot work is refused before it runs.
/// </summary>
public sealed record EnsembleSecurity
{
    /// <summary>No TLS, no authentication, no requirement.</summary>
    public static EnsembleSecurity None { get; } = new();

    /// <summary>TLS for the coordinator's sessions (they then use each server's <c>secureClientPort</c>), or null: the plain <c>clientPort</c>.</summary>
    public ClientTlsSpec? ClientTls { get; init; }

    /// <summary>The coordinator's credentials, or null: anonymous sessions (they read only world-readable znodes).</summary>
    public ClientAuthSpec? ClientAuth { get; init; }

    /// <summary>The ensemble's servers talk TLS among themselves (ZooKeeper's <c>sslQuorum=true</c>).</summary>
    public bool SslQuorum { get; init; }

    /// <summary>The ensemble's servers authenticate each other with SASL (<c>quorum.auth.enableSasl=true</c>).</summary>
    public bool QuorumSasl { get; init; }

    /// <summary>
    /// The ensemble closes every session that did not authenticate with SASL (ZooKeeper 3.6+:
    /// <c>zookeeper.sessionRequireClientSASLAuth=true</c>; 3.4/3.5 spelled it <c>requireClientAuthScheme=sasl</c>).
    /// </summary>
    public bool RequireClientSasl { get; init; }

    /// <summary>True when nothing is set.</summary>
    public bool IsNone => this == None;
}
