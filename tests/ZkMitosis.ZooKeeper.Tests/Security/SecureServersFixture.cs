using ZkMitosis.Testing;
using ZkMitosis.Testing.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

/// <summary>
/// Three real ZooKeeper 3.8 servers for the TLS and SASL tests: TLS only; SASL DIGEST-MD5 required plus TLS; TLS
/// with an expired server certificate. Certificates and JAAS files are made fresh in a temporary directory.
/// </summary>
public sealed class SecureServersFixture : IAsyncLifetime
{
    public const string AlicePassword = "alice-Pa55-\u00e9t\u00e9";
    public const string BobPassword = "bob-secret-42";

    private readonly TestDirectory _directory = new("zk-secure");
    private SecureZooKeeper? _tls;
    private SecureZooKeeper? _saslTls;
    private SecureZooKeeper? _expired;
    private SecureZooKeeper? _tls13;

    public string Directory => _directory.Path;

    public TestPki Pki { get; private set; } = null!;

    /// <summary>TLS (valid certificate for 127.0.0.1), no SASL.</summary>
    public SecureZooKeeper Tls => _tls ?? throw new InvalidOperationException("not started");

    /// <summary>SASL DIGEST-MD5 required (users alice and bob), and TLS on its secure port.</summary>
    public SecureZooKeeper SaslTls => _saslTls ?? throw new InvalidOperationException("not started");

    /// <summary>TLS with a server certificate that expired yesterday.</summary>
    public SecureZooKeeper Expired => _expired ?? throw new InvalidOperationException("not started");

    /// <summary>TLS 1.3 only (as ZooKeeper 3.9 prefers it): a refused client certificate is told only after the handshake.</summary>
    public SecureZooKeeper Tls13 => _tls13 ?? throw new InvalidOperationException("not started");

    /// <summary>
    /// ZooKeeper 3.8's zoo.cfg for TLS 1.3 only: its default cipher suites are TLS 1.2's, so 1.3's must be named
    /// (<c>X509Util.getDefaultCipherSuites</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Tls13Options { get; } = new Dictionary<string, string>
    {
        ["ssl.protocol"] = "TLSv1.3",
        ["ssl.enabledProtocols"] = "TLSv1.3",
        ["ssl.ciphersuites"] = "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384",
    };

    public async Task InitializeAsync()
    {
        Pki = TestPki.Create(Path.Combine(Directory, "pki"));
        var users = new Dictionary<string, string> { ["alice"] = AlicePassword, ["bob"] = BobPassword };
        var starts = new[]
        {
            SecureZooKeeper.StartAsync(Path.Combine(Directory, "tls"), Pki, Pki.ServerKeyStoreFile, null),
            SecureZooKeeper.StartAsync(Path.Combine(Directory, "sasl"), Pki, Pki.ServerKeyStoreFile, users),
            SecureZooKeeper.StartAsync(Path.Combine(Directory, "expired"), Pki, Pki.ExpiredServerKeyStoreFile, null),
            SecureZooKeeper.StartAsync(Path.Combine(Directory, "tls13"), Pki, Pki.ServerKeyStoreFile, null, extraOptions: Tls13Options),
        };
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            _tls = starts[0].IsCompletedSuccessfully ? starts[0].Result : null;
            _saslTls = starts[1].IsCompletedSuccessfully ? starts[1].Result : null;
            _expired = starts[2].IsCompletedSuccessfully ? starts[2].Result : null;
            _tls13 = starts[3].IsCompletedSuccessfully ? starts[3].Result : null;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { _tls, _saslTls, _expired, _tls13 })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        _directory.Dispose();
    }

    /// <summary>TLS options trusting the test CA, with the test client certificate.</summary>
    public ZooKeeperTlsOptionsFactory TlsFactory => new(Pki);
}

/// <summary>Builds the TLS options the tests vary.</summary>
public sealed class ZooKeeperTlsOptionsFactory(TestPki pki)
{
    /// <summary>Trusting the test CA, with no client certificate (servers that need one refuse the client).</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperTlsOptions WithoutClientCertificate() => new() { CaFile = pki.CaFile };

    public ZkMitosis.ZooKeeper.Security.ZooKeeperTlsOptions Valid(bool hostnameVerification = true, string? caFile = null) => new()
    {
        CaFile = caFile ?? pki.CaFile,
        CertificateFile = pki.ClientCertificateFile,
        KeyFile = pki.ClientKeyFile,
        HostnameVerification = hostnameVerification,
    };
}
