using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

/// <summary>Which mechanism a JAAS <c>Client</c> section gives: the login module decides.</summary>
public sealed class KerberosCredentialsTests : IDisposable
{
    private readonly TestDirectory _directory = new("krb-creds");

    public void Dispose() => _directory.Dispose();

    private string Write(string text) => _directory.WriteFile(text);

    [Fact]
    public void Kerberos_Krb5LoginModule_section_gives_the_principal_and_keytab()
    {
        var path = Write("""
            Server {
                org.apache.zookeeper.server.auth.DigestLoginModule required user_admin="server-side";
            };
            Client {
                com.sun.security.auth.module.Krb5LoginModule required
                useKeyTab=true
                keyTab="/etc/security/keytabs/kafka.keytab"
                storeKey=true
                useTicketCache=false
                principal="kafka/broker1.example.com@EXAMPLE.COM";
            };
            """);
        var credentials = ZooKeeperSaslCredentials.FromFile(path);
        Assert.Equal(ZooKeeperSaslMechanism.Gssapi, credentials.Mechanism);
        Assert.Equal("kafka/broker1.example.com@EXAMPLE.COM", credentials.Principal);
        Assert.Equal("kafka/broker1.example.com@EXAMPLE.COM", credentials.Username);
        Assert.Equal("/etc/security/keytabs/kafka.keytab", credentials.KeyTabFile);
        Assert.Equal("zookeeper", credentials.ServiceName);
        Assert.Equal("Kerberos principal 'kafka/broker1.example.com@EXAMPLE.COM'", credentials.ToString());
    }

    [Fact]
    public void Kerberos_serviceName_option_changes_the_server_principals_service()
    {
        var path = Write("Client { com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab=\"/k\" principal=\"p@R\" serviceName=\"zk\"; };");
        Assert.Equal("zk", ZooKeeperSaslCredentials.FromFile(path).ServiceName);
    }

    [Fact]
    public void Kerberos_DigestLoginModule_section_still_gives_DIGEST_MD5()
    {
        var path = Write("Client { org.apache.zookeeper.server.auth.DigestLoginModule required username=\"kafka\" password=\"pw-1\"; };");
        var credentials = ZooKeeperSaslCredentials.FromFile(path);
        Assert.Equal(ZooKeeperSaslMechanism.DigestMd5, credentials.Mechanism);
        Assert.Null(credentials.Principal);
        Assert.Null(credentials.KeyTabFile);
        Assert.Equal("SASL user 'kafka'", credentials.ToString());
    }

    [Fact]
    public void Kerberos_section_without_keytab_or_principal_is_refused_naming_the_file()
    {
        var noKeyTab = Write("Client { com.sun.security.auth.module.Krb5LoginModule required useTicketCache=true principal=\"kafka/h@R\"; };");
        var e = Assert.Throws<InvalidDataException>(() => ZooKeeperSaslCredentials.FromFile(noKeyTab));
        Assert.Contains(noKeyTab, e.Message, StringComparison.Ordinal);
        Assert.Contains("'kafka/h@R'", e.Message, StringComparison.Ordinal);
        Assert.Contains("useKeyTab=true", e.Message, StringComparison.Ordinal);

        var keyTabOff = Write("Client { com.sun.security.auth.module.Krb5LoginModule required useKeyTab=false keyTab=\"/k\" principal=\"kafka/h@R\"; };");
        Assert.Contains("useKeyTab=true", Assert.Throws<InvalidDataException>(() => ZooKeeperSaslCredentials.FromFile(keyTabOff)).Message, StringComparison.Ordinal);

        var noPrincipal = Write("Client { com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab=\"/k\"; };");
        e = Assert.Throws<InvalidDataException>(() => ZooKeeperSaslCredentials.FromFile(noPrincipal));
        Assert.Contains(noPrincipal, e.Message, StringComparison.Ordinal);
        Assert.Contains("no principal", e.Message, StringComparison.Ordinal);
    }
}
