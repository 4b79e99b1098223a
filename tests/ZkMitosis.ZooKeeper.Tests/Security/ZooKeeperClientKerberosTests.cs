using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

/// <summary>
/// SASL GSSAPI (Kerberos) against a real MIT KDC and a real ZooKeeper 3.8 that requires SASL with a Kerberos
/// <c>Server</c> login: credentials read from JAAS <c>Client</c> sections with <c>Krb5LoginModule</c>, as Kafka's.
/// </summary>
public sealed class ZooKeeperClientKerberosTests(KerberosServersFixture servers) : IClassFixture<KerberosServersFixture>
{
    private const string Kafka = "kafka/localhost@" + TestKdc.Realm;
    private static readonly IReadOnlyList<ZooKeeperAcl> KafkaOnly = [new(ZooKeeperPermissions.All, "sasl", Kafka)];

    private string KerberosConnectString => $"localhost:{servers.Kerberos.ClientPort}";

    private ZooKeeperSaslCredentials Credentials(string principal, string keyTab) =>
        ZooKeeperSaslCredentials.FromFile(SecureZooKeeper.WriteJaasKerberosClientFile(servers.Directory, principal, keyTab));

    private static ZooKeeperClientOptions Options(ZooKeeperSaslCredentials credentials) => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        Sasl = credentials,
    };

    [Fact]
    public async Task Kerberos_keytab_login_is_granted_the_principals_sasl_id_and_an_ACL_for_it_admits_it_alone()
    {
        await using var kafka = await ZooKeeperClient.ConnectAsync(KerberosConnectString, Options(Credentials(Kafka, servers.KafkaKeyTab)));
        var path = await kafka.CreateAsync($"/kafka-{Guid.NewGuid():N}", "kafka's"u8.ToArray(), acl: KafkaOnly);
        Assert.Equal("kafka's"u8.ToArray(), (await kafka.GetDataAsync(path)).Data.ToArray());
        Assert.Equal(KafkaOnly, (await kafka.GetAclAsync(path)).Acl);

        // Another principal of the same realm, in the same process: its own login, its own id, no access.
        await using var other = await ZooKeeperClient.ConnectAsync(KerberosConnectString, Options(Credentials("other/localhost@" + TestKdc.Realm, servers.OtherKeyTab)));
        var refused = await Assert.ThrowsAsync<KeeperException>(() => other.GetDataAsync(path));
        Assert.Equal(KeeperErrorCode.NoAuth, refused.Code);
        Assert.Equal("kafka's"u8.ToArray(), (await kafka.GetDataAsync(path)).Data.ToArray());
    }

    [Fact]
    public async Task Kerberos_principal_the_KDC_does_not_know_is_refused_naming_it_and_the_cause()
    {
        var credentials = Credentials("ghost/localhost@" + TestKdc.Realm, servers.GhostKeyTab);
        var e = await Assert.ThrowsAsync<ZooKeeperAuthenticationException>(() => ZooKeeperClient.ConnectAsync(KerberosConnectString, Options(credentials)));
        AssertOneLine(e, ZooKeeperAuthenticationFailure.KerberosLoginFailed, "'ghost/localhost@ZKM.TEST'", "not found in Kerberos database");
    }

    [Fact]
    public async Task Kerberos_absent_keytab_is_refused_naming_the_principal_and_the_file()
    {
        var absent = Path.Combine(servers.Directory, "absent.keytab");
        var e = await Assert.ThrowsAsync<ZooKeeperAuthenticationException>(() => ZooKeeperClient.ConnectAsync(KerberosConnectString, Options(Credentials(Kafka, absent))));
        AssertOneLine(e, ZooKeeperAuthenticationFailure.KerberosLoginFailed, $"'{Kafka}'", absent, "does not exist");
    }

    [Fact]
    public async Task Kerberos_keytab_without_the_principals_key_is_refused()
    {
        var e = await Assert.ThrowsAsync<ZooKeeperAuthenticationException>(() =>
            ZooKeeperClient.ConnectAsync(KerberosConnectString, Options(Credentials("other/localhost@" + TestKdc.Realm, servers.KafkaKeyTab))));
        AssertOneLine(e, ZooKeeperAuthenticationFailure.KerberosLoginFailed, "'other/localhost@ZKM.TEST'", "no suitable keys");
    }

    [Fact]
    public async Task Kerberos_server_principal_the_KDC_does_not_know_is_refused_naming_it()
    {
        // By address, the server principal is zookeeper/127.0.0.1, which the KDC does not have.
        var e = await Assert.ThrowsAsync<ZooKeeperAuthenticationException>(() =>
            ZooKeeperClient.ConnectAsync($"127.0.0.1:{servers.Kerberos.ClientPort}", Options(Credentials(Kafka, servers.KafkaKeyTab))));
        AssertOneLine(e, ZooKeeperAuthenticationFailure.KerberosLoginFailed, $"'{Kafka}'", "zookeeper/127.0.0.1");
    }

    [Fact]
    public async Task Kerberos_against_a_DIGEST_MD5_server_is_refused_saying_it_has_no_Kerberos()
    {
        // localhost: the client gets its ticket for zookeeper/localhost, and the server, which runs DIGEST-MD5, refuses it.
        var e = await Assert.ThrowsAsync<ZooKeeperAuthenticationException>(() =>
            ZooKeeperClient.ConnectAsync($"localhost:{servers.Digest.ClientPort}", Options(Credentials(Kafka, servers.KafkaKeyTab))));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains($"'{Kafka}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("not Kerberos", e.Message, StringComparison.Ordinal);
    }

    private static void AssertOneLine(ZooKeeperAuthenticationException e, ZooKeeperAuthenticationFailure failure, params string[] expected)
    {
        Assert.True(e.Failure == failure, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        foreach (var text in expected)
        {
            Assert.Contains(text, e.Message, StringComparison.Ordinal);
        }
    }
}
