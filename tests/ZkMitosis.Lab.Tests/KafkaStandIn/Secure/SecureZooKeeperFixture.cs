using ZkMitosis.Testing;
using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Lab.Tests.KafkaStandIn.Secure;

/// <summary>
/// One real ZooKeeper 3.8 as a secured Kafka ensemble runs it: TLS on its secure port (client certificates required)
/// and SASL DIGEST-MD5 required of every session (users alice and bob).
/// </summary>
public sealed class SecureZooKeeperFixture : IAsyncLifetime
{
    public const string AlicePassword = "alice-Pa55";
    public const string BobPassword = "bob-Pa55";

    private readonly TestDirectory _directory = new("standin-secure");
    private SecureZooKeeper? _server;

    public string Directory => _directory.Path;

    public TestPki Pki { get; private set; } = null!;

    public SecureZooKeeper Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>The test client's certificate and key in one file: a PEM key store, as Kafka's zookeeper.ssl.keystore.location takes it.</summary>
    public string ClientKeyStoreFile => Path.Combine(Directory, "client-keystore.pem");

    public async Task InitializeAsync()
    {
        Pki = TestPki.Create(Path.Combine(Directory, "pki"));
        await File.WriteAllTextAsync(ClientKeyStoreFile, await File.ReadAllTextAsync(Pki.ClientKeyFile) + await File.ReadAllTextAsync(Pki.ClientCertificateFile));
        var users = new Dictionary<string, string> { ["alice"] = AlicePassword, ["bob"] = BobPassword };
        _server = await SecureZooKeeper.StartAsync(Path.Combine(Directory, "zk"), Pki, Pki.ServerKeyStoreFile, users);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }

    /// <summary>TLS with the test client certificate, trusting the test CA.</summary>
    public ZooKeeperTlsOptions Tls => new() { CaFile = Pki.CaFile, CertificateFile = ClientKeyStoreFile, KeyFile = ClientKeyStoreFile };

    /// <summary>A TLS + SASL session as <paramref name="user"/>, on <paramref name="chroot"/> (default none).</summary>
    public Task<ZooKeeperClient> ConnectAsync(string user, string password, string chroot = "") =>
        ZooKeeperClient.ConnectAsync(Server.SecureConnectString + chroot, new ZooKeeperClientOptions { Tls = Tls, Sasl = new ZooKeeperSaslCredentials(user, password) });

    /// <summary>A SASL session as <paramref name="user"/> over the plain port: no client certificate, so no x509 identity.</summary>
    public Task<ZooKeeperClient> ConnectPlainAsync(string user, string password, string chroot = "") =>
        ZooKeeperClient.ConnectAsync(Server.PlainConnectString + chroot, new ZooKeeperClientOptions { Sasl = new ZooKeeperSaslCredentials(user, password) });
}
