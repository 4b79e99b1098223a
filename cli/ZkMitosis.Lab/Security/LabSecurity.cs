using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Lab.Security;

/// <summary>
/// A secured lab (<c>lab up --secure</c>), as production ensembles carrying Kafka run: every ZooKeeper serves TLS
/// clients on its <c>secureClientPort</c> (Netty, PEM stores), runs quorum TLS (<c>sslQuorum=true</c>) and requires
/// SASL DIGEST-MD5 of every session (<c>sessionRequireClientSASLAuth</c>); the broker stand-ins log in as
/// <see cref="KafkaUser"/> over TLS and create Kafka's znodes with SASL ACLs (<c>zookeeper.set.acl=true</c>); the
/// other tenant logs in as <see cref="OtherTenantUser"/>. The plain client port stays open (four-letter words; a
/// session there must still log in). Every host keeps its files under its own tree: <c>etc/tls/keystore.pem</c>,
/// <c>etc/tls/ca.pem</c>, <c>etc/jaas.conf</c>; the coordinator's are in the lab's <c>pki/zookeeper</c>, its
/// credentials the tenant owner's (Kafka's ACLs let no one else read <c>/config/users</c>). Passwords are made
/// here, random per lab, and written only into owner-only JAAS files.
/// </summary>
public static class LabSecurity
{
    /// <summary>Every ZooKeeper's <c>secureClientPort</c> in a secured lab.</summary>
    public const int SecureClientPort = 2182;

    /// <summary>The SASL user the brokers (and the coordinator, with the owner's credentials) log in as.</summary>
    public const string KafkaUser = "kafka";

    /// <summary>The SASL user of the other tenant's writer.</summary>
    public const string OtherTenantUser = "other";

    /// <summary>The directory of the coordinator's ZooKeeper TLS files and credentials.</summary>
    public static string CoordinatorDirectory(LabManifest manifest) => Path.Combine(manifest.Directory, "pki", "zookeeper");

    /// <summary>The CA every lab ZooKeeper's certificate chains to (PEM).</summary>
    public static string CaFile(LabManifest manifest) => Path.Combine(CoordinatorDirectory(manifest), "ca.pem");

    /// <summary>The coordinator's client certificate (PEM, with the CA after it).</summary>
    public static string CoordinatorCertificate(LabManifest manifest) => Path.Combine(CoordinatorDirectory(manifest), "coordinator.crt");

    /// <summary>The coordinator's client key (PEM, owner-only).</summary>
    public static string CoordinatorKey(LabManifest manifest) => Path.Combine(CoordinatorDirectory(manifest), "coordinator.key");

    /// <summary>The coordinator's SASL credentials: a JAAS file (<c>Client</c> section) of <see cref="KafkaUser"/>, owner-only.</summary>
    public static string CoordinatorCredentials(LabManifest manifest) => Path.Combine(CoordinatorDirectory(manifest), "kafka.jaas");

    /// <summary>A host's PEM key store (key, certificate, CA), owner-only.</summary>
    public static string KeyStore(LabHost host) => Path.Combine(host.Layout.Etc, "tls", "keystore.pem");

    /// <summary>A host's PEM trust store (the lab's ZooKeeper CA).</summary>
    public static string TrustStore(LabHost host) => Path.Combine(host.Layout.Etc, "tls", "ca.pem");

    /// <summary>A host's JAAS file: <c>Server</c> on a ZooKeeper host, <c>Client</c> on a broker or tenant host.</summary>
    public static string Jaas(LabHost host) => Path.Combine(host.Layout.Etc, "jaas.conf");

    /// <summary>
    /// The owner's sessions (the populator's, as the coordinator's): TLS with the coordinator's certificate to the
    /// secure ports, SASL as <see cref="KafkaUser"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The credentials file holds no user and password (the lab wrote it).</exception>
    public static ZooKeeperSecurity OwnerSecurity(LabManifest manifest) => new(
        new ZooKeeperTlsOptions { CaFile = CaFile(manifest), CertificateFile = CoordinatorCertificate(manifest), KeyFile = CoordinatorKey(manifest) },
        ZooKeeperSaslCredentials.FromFile(CoordinatorCredentials(manifest)));

    /// <summary>
    /// Makes the lab's ZooKeeper CA, a certificate for every host (its name, DNS name and address, and loopback) and
    /// the coordinator, and the JAAS files with fresh random passwords. Idempotent: files are replaced.
    /// </summary>
    public static void Prepare(LabManifest manifest)
    {
        using var pki = LabZooKeeperPki.Create(manifest.Name);
        pki.WriteCa(CaFile(manifest));
        pki.Issue($"zkmitosis lab {manifest.Name} coordinator", ["localhost"], [IPAddress.Parse(manifest.RootAddress), IPAddress.Loopback, IPAddress.IPv6Loopback], CoordinatorCertificate(manifest), CoordinatorKey(manifest));
        var passwords = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KafkaUser] = NewPassword(),
            [OtherTenantUser] = NewPassword(),
        };
        LabZooKeeperPki.Write(CoordinatorCredentials(manifest), ClientJaas(KafkaUser, passwords[KafkaUser]), secret: true);
        foreach (var host in manifest.Hosts.Where(h => h.Role is not LabHostRole.TenantProduct))
        {
            string[] names = host.DnsName is null ? [host.Name, "localhost"] : [host.Name, host.DnsName, "localhost"];
            pki.Issue($"zkmitosis lab {manifest.Name} {host.Name}", names, [IPAddress.Parse(host.Address), IPAddress.Loopback], KeyStore(host));
            pki.WriteCa(TrustStore(host));
            var jaas = host.Role switch
            {
                LabHostRole.Broker => ClientJaas(KafkaUser, passwords[KafkaUser]),
                LabHostRole.Tenant => ClientJaas(OtherTenantUser, passwords[OtherTenantUser]),
                _ => ServerJaas(passwords),
            };
            LabZooKeeperPki.Write(Jaas(host), jaas, secret: true);
        }
    }

    /// <summary>
    /// The zoo.cfg lines of a secured lab's ZooKeeper host: Netty, the TLS client port, quorum TLS, the SASL provider
    /// and SASL required of every session (zoo.cfg's <c>sessionRequireClientSASLAuth</c> becomes the system property
    /// <c>zookeeper.sessionRequireClientSASLAuth</c>, <c>QuorumPeerConfig</c>). One key and trust store serve both.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ZooCfgOptions(LabHost host) => new Dictionary<string, string>
    {
        ["serverCnxnFactory"] = "org.apache.zookeeper.server.NettyServerCnxnFactory",
        ["secureClientPort"] = SecureClientPort.ToString(CultureInfo.InvariantCulture),
        ["ssl.keyStore.location"] = KeyStore(host),
        ["ssl.keyStore.type"] = "PEM",
        ["ssl.trustStore.location"] = TrustStore(host),
        ["ssl.trustStore.type"] = "PEM",
        ["sslQuorum"] = "true",
        ["ssl.quorum.keyStore.location"] = KeyStore(host),
        ["ssl.quorum.keyStore.type"] = "PEM",
        ["ssl.quorum.trustStore.location"] = TrustStore(host),
        ["ssl.quorum.trustStore.type"] = "PEM",
        ["authProvider.sasl"] = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
        ["sessionRequireClientSASLAuth"] = "true",
    };

    /// <summary>The JVM system property zoo.cfg cannot carry: the host's JAAS file (<c>java.security.auth.login.config</c>).</summary>
    public static IReadOnlyDictionary<string, string> SystemProperties(LabHost host) => new Dictionary<string, string>
    {
        ["java.security.auth.login.config"] = Jaas(host),
    };

    /// <summary>
    /// A broker's <c>server.properties</c> lines for a secured ZooKeeper (Kafka 2.5+, KIP-515): the Netty socket, TLS
    /// with the host's PEM stores, and <c>zookeeper.set.acl=true</c>. The JAAS file goes to the stand-in as
    /// <c>--jaas</c>, as Kafka takes it from <c>KAFKA_OPTS</c>.
    /// </summary>
    public static string KafkaProperties(LabHost host) =>
        "zookeeper.set.acl=true\n"
        + "zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty\n"
        + "zookeeper.ssl.client.enable=true\n"
        + "zookeeper.ssl.keystore.location=" + KeyStore(host) + "\n"
        + "zookeeper.ssl.keystore.type=PEM\n"
        + "zookeeper.ssl.truststore.location=" + TrustStore(host) + "\n"
        + "zookeeper.ssl.truststore.type=PEM\n";

    private static string NewPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    private static string ClientJaas(string user, string password) =>
        $"// zkmitosis lab: this host's ZooKeeper login.\nClient {{\n    org.apache.zookeeper.server.auth.DigestLoginModule required\n    username=\"{user}\"\n    password=\"{password}\";\n}};\n";

    private static string ServerJaas(IReadOnlyDictionary<string, string> passwords) =>
        "// zkmitosis lab: the users this ZooKeeper accepts (SASL DIGEST-MD5).\nServer {\n    org.apache.zookeeper.server.auth.DigestLoginModule required"
        + string.Concat(passwords.Select(p => $"\n    user_{p.Key}=\"{p.Value}\""))
        + ";\n};\n";
}
