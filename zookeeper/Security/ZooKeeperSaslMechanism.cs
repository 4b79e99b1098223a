namespace ZkMitosis.ZooKeeper.Security;

/// <summary>The SASL mechanism a <see cref="ZooKeeperSaslCredentials"/> logs in with.</summary>
public enum ZooKeeperSaslMechanism
{
    /// <summary>DIGEST-MD5 (RFC 2831): a user and password the server lists (ZooKeeper's <c>DigestLoginModule</c>).</summary>
    DigestMd5,

    /// <summary>
    /// GSSAPI (RFC 4752): Kerberos v5, a client principal and its keytab (Java's <c>Krb5LoginModule</c>); the server
    /// authenticates as <c>zookeeper/HOST@REALM</c>.
    /// </summary>
    Gssapi,
}
