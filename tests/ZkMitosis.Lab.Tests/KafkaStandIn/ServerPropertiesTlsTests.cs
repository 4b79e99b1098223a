using ZkMitosis.KafkaStandIn;

namespace ZkMitosis.Lab.Tests.KafkaStandIn;

/// <summary>Kafka's ZooKeeper client TLS keys (KIP-515) and <c>zookeeper.set.acl</c> in server.properties.</summary>
public sealed class ServerPropertiesTlsTests
{
    private const string Base = "broker.id=1\nzookeeper.connect=127.0.0.1:2182/kafka\nlisteners=PLAINTEXT://h:9092\n";

    private const string Tls = """
        zookeeper.ssl.client.enable=true
        zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty
        zookeeper.ssl.keystore.location=/etc/kafka/zk-client.pem
        zookeeper.ssl.keystore.type=PEM
        zookeeper.ssl.keystore.password=keystore-Secret-1
        zookeeper.ssl.truststore.location=/etc/kafka/zk-ca.pem
        zookeeper.ssl.truststore.type=PEM
        zookeeper.ssl.truststore.password=truststore-Secret-2

        """;

    [Fact]
    public void Parse_TlsOn_PemStoresAndHostnameVerificationByDefault()
    {
        var properties = ServerProperties.Parse(Base + Tls + "zookeeper.set.acl=true\n");

        Assert.NotNull(properties.Tls);
        Assert.Equal("/etc/kafka/zk-ca.pem", properties.Tls.CaFile);
        Assert.Equal("/etc/kafka/zk-client.pem", properties.Tls.CertificateFile);
        Assert.Equal("/etc/kafka/zk-client.pem", properties.Tls.KeyFile);
        Assert.True(properties.Tls.HostnameVerification);
        Assert.True(properties.SetAcl);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zookeeper.ssl.client.enable=false\nzookeeper.ssl.truststore.location=/x.jks\nzookeeper.ssl.truststore.type=JKS\n")]
    public void Parse_TlsOff_PlainAndOpenAcls(string lines)
    {
        var properties = ServerProperties.Parse(Base + lines);

        Assert.Null(properties.Tls);
        Assert.False(properties.SetAcl);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNIO\n")]
    public void Parse_TlsWithoutNettySocket_OneLineErrorAsKafkaFails(string socket)
    {
        var text = Base + Tls.Replace("zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty\n", string.Empty, StringComparison.Ordinal) + socket;

        var error = Assert.Throws<StandInConfigException>(() => ServerProperties.Parse(text, "server.properties"));

        Assert.Contains("zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty", error.Message, StringComparison.Ordinal);
        AssertOneLineWithoutPasswords(error.Message);
    }

    [Theory]
    [InlineData("zookeeper.ssl.keystore.type=PEM", "zookeeper.ssl.keystore.type=PKCS12", "zookeeper.ssl.keystore.type")]
    [InlineData("zookeeper.ssl.truststore.type=PEM", "zookeeper.ssl.truststore.type=JKS", "zookeeper.ssl.truststore.type")]
    [InlineData("zookeeper.ssl.keystore.location=/etc/kafka/zk-client.pem\nzookeeper.ssl.keystore.type=PEM", "zookeeper.ssl.keystore.location=/etc/kafka/zk-client.jks", "zookeeper.ssl.keystore.type")]
    public void Parse_NonPemStore_OneLineErrorNamingTheProperty(string pem, string other, string property)
    {
        var error = Assert.Throws<StandInConfigException>(() => ServerProperties.Parse(Base + Tls.Replace(pem, other, StringComparison.Ordinal)));

        Assert.Contains(property, error.Message, StringComparison.Ordinal);
        Assert.Contains("PEM", error.Message, StringComparison.Ordinal);
        AssertOneLineWithoutPasswords(error.Message);
    }

    [Fact]
    public void Parse_PemTypeUnset_TakenFromFileNameAsZooKeeperDoes()
    {
        var text = Base + Tls.Replace("zookeeper.ssl.keystore.type=PEM\n", string.Empty, StringComparison.Ordinal).Replace("zookeeper.ssl.truststore.type=PEM\n", string.Empty, StringComparison.Ordinal);

        Assert.NotNull(ServerProperties.Parse(text).Tls);
    }

    [Theory]
    [InlineData("zookeeper.ssl.endpoint.identification.algorithm=\n", false)]
    [InlineData("zookeeper.ssl.endpoint.identification.algorithm=HTTPS\n", true)]
    [InlineData("zookeeper.ssl.endpoint.identification.algorithm=https\n", true)]
    public void Parse_EndpointIdentification_EmptyTurnsHostnameVerificationOff(string line, bool verified)
    {
        var properties = ServerProperties.Parse(Base + Tls + line);

        Assert.Equal(verified, properties.Tls!.HostnameVerification);
    }

    [Fact]
    public void Parse_TlsWithoutTrustStoreOrBadFlags_EveryProblemOnOneLine()
    {
        var text = Base + Tls.Replace("zookeeper.ssl.truststore.location=/etc/kafka/zk-ca.pem\n", string.Empty, StringComparison.Ordinal)
            + "zookeeper.set.acl=yes\nzookeeper.ssl.endpoint.identification.algorithm=LDAPS\n";

        var error = Assert.Throws<StandInConfigException>(() => ServerProperties.Parse(text));

        Assert.Contains("zookeeper.ssl.truststore.location", error.Message, StringComparison.Ordinal);
        Assert.Contains("zookeeper.set.acl 'yes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'LDAPS'", error.Message, StringComparison.Ordinal);
        AssertOneLineWithoutPasswords(error.Message);
    }

    private static void AssertOneLineWithoutPasswords(string message)
    {
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("Secret", message, StringComparison.Ordinal);
    }
}
