using System.Text;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

public sealed class DigestMd5ClientTests
{
    [Fact]
    public void The_RFC_2831_example_gives_its_response_and_accepts_its_rspauth()
    {
        // RFC 2831 section 4, the IMAP example: user chris, password secret.
        var client = new DigestMd5Client(new ZooKeeperSaslCredentials("chris", "secret"), cnonce: "OA6MHXh6VqTrRk") { DigestUri = "imap/elwood.innosoft.com" };
        var response = Encoding.UTF8.GetString(client.Respond(Encoding.UTF8.GetBytes(
            "realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8")));
        var fields = DigestMd5Client.Parse(response);
        Assert.Equal("d388dad90d4bbd760a152321f2143af7", fields["response"]);
        Assert.Equal("chris", fields["username"]);
        Assert.Equal("elwood.innosoft.com", fields["realm"]);
        Assert.Equal("imap/elwood.innosoft.com", fields["digest-uri"]);
        Assert.Equal("00000001", fields["nc"]);
        Assert.False(client.VerifyServer("rspauth=00000000000000000000000000000000"u8));
        Assert.True(client.VerifyServer("rspauth=ea40f60335c427b5527b84dbabcdfffd"u8));
        Assert.DoesNotContain("secret", response, StringComparison.Ordinal);
    }

    [Fact]
    public void ZooKeepers_digest_uri_and_realm_are_the_defaults()
    {
        var client = new DigestMd5Client(new ZooKeeperSaslCredentials("alice", "pw"));
        var fields = DigestMd5Client.Parse(Encoding.UTF8.GetString(client.Respond("nonce=\"abc\",qop=\"auth\",charset=utf-8"u8)));
        Assert.Equal("zookeeper/zk-sasl-md5", fields["digest-uri"]);
        Assert.Equal("zk-sasl-md5", fields["realm"]);
    }

    [Fact]
    public void A_challenge_without_qop_auth_is_refused()
    {
        var client = new DigestMd5Client(new ZooKeeperSaslCredentials("alice", "pw"));
        Assert.Throws<InvalidDataException>(() => client.Respond("nonce=\"abc\",qop=\"auth-conf\""u8));
    }
}
