using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// How a stand-in's sessions reach a secured ensemble: a broker takes TLS from <c>server.properties</c> and SASL from
/// <c>--jaas</c> (its <c>java.security.auth.login.config</c>); the tenant writer takes both from arguments.
/// </summary>
internal static class StandInSecurity
{
    /// <summary>
    /// A broker's security. As Kafka's <c>KafkaServer</c> refuses <c>zookeeper.set.acl=true</c> without ZooKeeper
    /// security, so does this: the creator ACL needs an identity (SASL, or a TLS client certificate).
    /// </summary>
    public static ZooKeeperSecurity ForBroker(ServerProperties properties, StandInArguments arguments)
    {
        var sasl = LoadJaas(arguments.JaasPath);
        if (properties.SetAcl && sasl is null && properties.Tls?.CertificateFile is null)
        {
            throw new StandInConfigException(
                "zookeeper.set.acl=true but the session would have no identity: give --jaas FILE (java.security.auth.login.config) or a TLS key store (zookeeper.ssl.keystore.location)");
        }

        return new ZooKeeperSecurity(properties.Tls, sasl);
    }

    /// <summary>The tenant writer's security: <c>--tls-ca</c> (and <c>--tls-keystore</c>, key and certificate in one PEM file), <c>--jaas</c>.</summary>
    public static ZooKeeperSecurity ForTenantWriter(StandInArguments arguments)
    {
        var tls = arguments.TlsCaPath is null
            ? null
            : new ZooKeeperTlsOptions { CaFile = arguments.TlsCaPath, CertificateFile = arguments.TlsKeyStorePath, KeyFile = arguments.TlsKeyStorePath };
        return new ZooKeeperSecurity(tls, LoadJaas(arguments.JaasPath));
    }

    /// <summary>The <c>Client</c> section's DIGEST-MD5 user and password, or null without <c>--jaas</c>.</summary>
    private static ZooKeeperSaslCredentials? LoadJaas(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return ZooKeeperSaslCredentials.FromFile(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // FromFile's messages name the file and the user, never the password.
            throw new StandInConfigException("--jaas: " + e.Message);
        }
    }
}
