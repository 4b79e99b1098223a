namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// How a tool reaches one secured ensemble: TLS on the client connection and SASL credentials, either or both
/// (null: plain). Carried as one value from the command line to every place that opens a session there.
/// </summary>
/// <param name="Tls">TLS settings; null for a plain <c>clientPort</c>.</param>
/// <param name="Sasl">SASL credentials (DIGEST-MD5 or Kerberos); null for no SASL.</param>
public sealed record ZooKeeperSecurity(ZooKeeperTlsOptions? Tls, ZooKeeperSaslCredentials? Sasl)
{
    /// <summary>No TLS, no SASL.</summary>
    public static ZooKeeperSecurity None { get; } = new(null, null);

    /// <summary>True when neither TLS nor SASL is set.</summary>
    public bool IsNone => Tls is null && Sasl is null;
}
