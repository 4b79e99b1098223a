using ZkMitosis.Testing;
using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// A real MIT KDC (realm ZKM.TEST) and a real ZooKeeper 3.8 requiring SASL with Kerberos. The built command runs as
/// a child process with <c>KRB5_CONFIG</c> naming the KDC's krb5.conf, as an operator's environment would; the test
/// process sets its own native <c>KRB5_CONFIG</c> the same way to make a node through the library.
/// </summary>
public sealed class KerberosServerFixture : IAsyncLifetime
{
    public const string Kafka = "kafka/localhost@" + TestKdc.Realm;

    private readonly TestDirectory _directory = new("cli-krb");
    private TestKerberosRealm? _realm;
    private SecureZooKeeper? _server;

    public string Directory => _directory.Path;

    public TestKdc Kdc => Realm.Kdc;

    private TestKerberosRealm Realm => _realm ?? throw new InvalidOperationException("not started");

    public SecureZooKeeper Server => _server ?? throw new InvalidOperationException("not started");

    public string KafkaKeyTab => Realm.KafkaKeyTab;

    public string OtherKeyTab => Realm.OtherKeyTab;

    public string GhostKeyTab => Realm.GhostKeyTab;

    public async Task InitializeAsync()
    {
        _realm = await TestKerberosRealm.StartAsync(Path.Combine(Directory, "kdc"));
        _server = await SecureZooKeeper.StartKerberosAsync(Path.Combine(Directory, "zk"), _realm.Kdc, _realm.ServerKeyTab);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _realm?.Dispose();
        _directory.Dispose();
    }
}

/// <summary><c>zk --sasl-credentials</c> with a JAAS file whose Client section is Krb5LoginModule: the file decides the mechanism.</summary>
public sealed class KerberosZkCommandTests(KerberosServerFixture fixture) : IClassFixture<KerberosServerFixture>
{
    private string Jaas(string principal, string keyTab) => SecureZooKeeper.WriteJaasKerberosClientFile(fixture.Directory, principal, keyTab);

    private Task<RealCli.Outcome> Zk(string credentials, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RealCli.RunAsync(["zk", "--connect", $"localhost:{fixture.Server.ClientPort}", "--sasl-credentials", credentials, .. args], environment ?? fixture.Kdc.ClientEnvironment);

    /// <summary>A znode only kafka/localhost may read, made through the library logged in as kafka.</summary>
    private async Task<string> CreateKafkaOnlyAsync(string data)
    {
        await using var client = await ZooKeeperClient.ConnectAsync($"localhost:{fixture.Server.ClientPort}", new ZooKeeperClientOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            Sasl = ZooKeeperSaslCredentials.Kerberos(KerberosServerFixture.Kafka, fixture.KafkaKeyTab),
        });
        return await client.CreateAsync($"/cli-krb-{Guid.NewGuid():N}", System.Text.Encoding.UTF8.GetBytes(data), acl: [new ZooKeeperAcl(ZooKeeperPermissions.All, "sasl", KerberosServerFixture.Kafka)]);
    }

    [Fact]
    public async Task Kerberos_get_with_the_principals_keytab_reads_a_node_only_it_may_read_and_another_principal_cannot()
    {
        var path = await CreateKafkaOnlyAsync("for kafka");
        var got = await Zk(Jaas(KerberosServerFixture.Kafka, fixture.KafkaKeyTab), null, "get", path);
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Equal("for kafka", got.Output.Trim());

        var other = await Zk(Jaas("other/localhost@" + TestKdc.Realm, fixture.OtherKeyTab), null, "get", path);
        other.AssertOneLineError(1, "NoAuth");
    }

    [Fact]
    public async Task Kerberos_unknown_principal_fails_with_one_line_naming_it()
    {
        var got = await Zk(Jaas("ghost/localhost@" + TestKdc.Realm, fixture.GhostKeyTab), null, "get", "/");
        got.AssertOneLineError(1, "'ghost/localhost@ZKM.TEST'", "not found in Kerberos database");
    }

    [Fact]
    public async Task Kerberos_absent_keytab_fails_with_one_line_naming_the_principal()
    {
        var absent = Path.Combine(fixture.Directory, "absent.keytab");
        var got = await Zk(Jaas(KerberosServerFixture.Kafka, absent), null, "get", "/");
        got.AssertOneLineError(1, $"'{KerberosServerFixture.Kafka}'", absent, "does not exist");
    }

    [Fact]
    public async Task Kerberos_unreachable_KDC_fails_with_one_line_naming_the_principal_and_the_realm()
    {
        // The same realm, its KDC at a port where nothing listens.
        var closed = FreePorts.Next();
        var conf = Path.Combine(fixture.Directory, $"krb5-down-{Guid.NewGuid():N}.conf");
        File.WriteAllText(conf, File.ReadAllText(fixture.Kdc.Krb5ConfigFile).Replace($"127.0.0.1:{fixture.Kdc.Port}", $"127.0.0.1:{closed}", StringComparison.Ordinal));
        var got = await Zk(Jaas(KerberosServerFixture.Kafka, fixture.KafkaKeyTab), new Dictionary<string, string> { ["KRB5_CONFIG"] = conf }, "get", "/");
        got.AssertOneLineError(1, $"'{KerberosServerFixture.Kafka}'", "Cannot contact any KDC for realm 'ZKM.TEST'");
    }
}
