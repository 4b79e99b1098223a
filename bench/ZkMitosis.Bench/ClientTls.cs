using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Bench;

/// <summary>
/// The TLS of <c>./zkm bench client --tls</c>: a fresh test PKI (the test suite's <see cref="TestPki"/>), the
/// server's Netty <c>secureClientPort</c> as the TLS tests run it (client certificates required), our client's
/// <see cref="ZooKeeperTlsOptions"/>, and the Java client's system properties for the same files (ZooKeeper's
/// <c>ZKClientConfig</c> and <c>X509Util</c>: <c>zookeeper.client.secure</c>, <c>ClientCnxnSocketNetty</c>, PEM
/// stores). Hostname verification stays on for both (the certificate names 127.0.0.1).
/// </summary>
internal sealed class ClientTls
{
    private readonly TestPki _pki;
    private readonly string _javaKeyStore;

    private ClientTls(TestPki pki, string javaKeyStore)
    {
        _pki = pki;
        _javaKeyStore = javaKeyStore;
    }

    /// <summary>Makes the certificates under <paramref name="directory"/>.</summary>
    public static ClientTls Create(string directory)
    {
        var pki = TestPki.Create(directory);
        // ZooKeeper's PEM key store is one file: the private key, then the certificate.
        var javaKeyStore = Path.Combine(directory, "java-client.pem");
        File.WriteAllText(javaKeyStore, File.ReadAllText(pki.ClientKeyFile) + File.ReadAllText(pki.ClientCertificateFile));
        return new ClientTls(pki, javaKeyStore);
    }

    /// <summary>zoo.cfg lines of the secure port.</summary>
    public IReadOnlyDictionary<string, string> ServerOptions(int securePort) => SecureZooKeeper.TlsServerOptions(_pki, _pki.ServerKeyStoreFile, securePort);

    /// <summary>Our client's TLS.</summary>
    public ZooKeeperTlsOptions Options => new()
    {
        CaFile = _pki.CaFile,
        CertificateFile = _pki.ClientCertificateFile,
        KeyFile = _pki.ClientKeyFile,
        HostnameVerification = true,
    };

    /// <summary>The Java client's <c>-D</c> arguments.</summary>
    public IEnumerable<string> JavaProperties =>
    [
        "-Dzookeeper.client.secure=true",
        "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
        $"-Dzookeeper.ssl.keyStore.location={_javaKeyStore}",
        "-Dzookeeper.ssl.keyStore.type=PEM",
        $"-Dzookeeper.ssl.trustStore.location={_pki.CaFile}",
        "-Dzookeeper.ssl.trustStore.type=PEM",
        "-Dzookeeper.ssl.hostnameVerification=true",
    ];
}
