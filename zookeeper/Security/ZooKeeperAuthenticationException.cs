namespace ZkMitosis.ZooKeeper.Security;

/// <summary>Why a server refused the session's authentication.</summary>
public enum ZooKeeperAuthenticationFailure
{
    /// <summary>The server rejected the SASL credentials (unknown user or wrong password).</summary>
    CredentialsRejected,

    /// <summary>
    /// The server requires SASL (<c>zookeeper.sessionRequireClientSASLAuth</c> or <c>enforce.auth.schemes=sasl</c>)
    /// and the client has none: it answered SessionClosedRequireSaslAuth (-124) and closed the session.
    /// </summary>
    SaslRequired,

    /// <summary>
    /// The server does not speak the credentials' mechanism (no SASL configured there, DIGEST-MD5 asked of a Kerberos
    /// server or GSSAPI of a DIGEST-MD5 one), or asks for a security layer this client does not offer.
    /// </summary>
    MechanismUnavailable,

    /// <summary>
    /// The client could not get a Kerberos ticket (GSSAPI): the keytab is missing or unreadable or holds no key of the
    /// principal, the KDC does not know the principal or the server's, or no KDC of the realm answers.
    /// </summary>
    KerberosLoginFailed,
}

/// <summary>
/// The server refused the session's SASL authentication; the client is then
/// <see cref="ZooKeeperState.AuthFailed"/>. The message is one line naming the server, the user or Kerberos
/// principal and the cause; it never carries a password or key.
/// </summary>
public sealed class ZooKeeperAuthenticationException : KeeperException
{
    /// <summary>Creates the exception; <paramref name="detail"/> is one line.</summary>
    public ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure failure, string server, string detail)
        : base(failure == ZooKeeperAuthenticationFailure.SaslRequired ? KeeperErrorCode.SessionClosedRequireSaslAuth : KeeperErrorCode.AuthFailed, null, $"{server}: {detail}")
    {
        Failure = failure;
        Server = server;
        Detail = detail;
    }

    /// <summary>The one-line cause, without the server and the error code.</summary>
    public string Detail { get; }

    /// <summary>Why authentication failed.</summary>
    public ZooKeeperAuthenticationFailure Failure { get; }

    /// <summary>"host:port" of the server that refused.</summary>
    public string Server { get; }
}
