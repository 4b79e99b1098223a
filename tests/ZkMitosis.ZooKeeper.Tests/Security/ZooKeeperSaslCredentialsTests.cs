using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

public sealed class ZooKeeperSaslCredentialsTests : IDisposable
{
    private readonly TestDirectory _directory = new("sasl-creds");

    public void Dispose() => _directory.Dispose();

    private string Write(string text) => _directory.WriteFile(text);

    [Fact]
    public void A_JAAS_file_gives_the_Client_section_and_ignores_the_others_and_comments()
    {
        var path = Write("""
            /* ZooKeeper client login */
            Server {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                user_admin="server-side";
            };
            // the client
            Client {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                username="kafka"
                password="p\"w;{x}";
            };
            """);
        var credentials = ZooKeeperSaslCredentials.FromFile(path);
        Assert.Equal("kafka", credentials.Username);
        Assert.Equal("p\"w;{x}", credentials.Password);
        Assert.Equal("SASL user 'kafka'", credentials.ToString());
    }

    [Fact]
    public void A_key_value_file_gives_user_and_password()
    {
        var credentials = ZooKeeperSaslCredentials.FromFile(Write("# zkmitosis\nuser=alice\npassword = a{b}=c \n"));
        Assert.Equal("alice", credentials.Username);
        Assert.Equal("a{b}=c", credentials.Password);
    }

    [Fact]
    public void Bad_files_are_named_and_the_password_never_appears()
    {
        var noSection = Write("Other {\n m required username=\"u\" password=\"hidden-1\";\n};\n");
        var e = Assert.Throws<InvalidDataException>(() => ZooKeeperSaslCredentials.FromFile(noSection));
        Assert.Contains("no 'Client' section", e.Message, StringComparison.Ordinal);
        Assert.Contains(noSection, e.Message, StringComparison.Ordinal);

        var noUser = Write("password=hidden-2\n");
        e = Assert.Throws<InvalidDataException>(() => ZooKeeperSaslCredentials.FromFile(noUser));
        Assert.Contains("no username", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden-2", e.Message, StringComparison.Ordinal);

        var missing = Path.Combine(_directory.Path, "absent");
        Assert.Throws<FileNotFoundException>(() => ZooKeeperSaslCredentials.FromFile(missing));
    }
}
