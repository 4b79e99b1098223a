using ZkMitosis.KafkaStandIn;

namespace ZkMitosis.Lab.Tests.KafkaStandIn;

/// <summary>The security arguments: <c>--jaas</c> (Kafka's java.security.auth.login.config), the tenant writer's TLS files.</summary>
public sealed class StandInSecurityTests
{
    private const string Base = "broker.id=1\nzookeeper.connect=127.0.0.1:2182/kafka\nlisteners=PLAINTEXT://h:9092\n";

    [Fact]
    public void Parse_TenantWriterWithTlsAndJaas_AllKept()
    {
        var arguments = StandInArguments.Parse(["tenant-writer", "--connect", "h:2182", "--root", "/other", "--jaas", "/etc/c.jaas", "--tls-ca", "/etc/ca.pem", "--tls-keystore", "/etc/client.pem"]);

        Assert.Equal("/etc/c.jaas", arguments.JaasPath);
        var tls = StandInSecurity.ForTenantWriter(arguments with { JaasPath = null }).Tls;
        Assert.NotNull(tls);
        Assert.Equal("/etc/ca.pem", tls.CaFile);
        Assert.Equal("/etc/client.pem", tls.CertificateFile);
        Assert.Equal("/etc/client.pem", tls.KeyFile);
    }

    [Theory]
    [InlineData("--config", "s.properties", "--tls-ca", "/ca.pem")]
    [InlineData("tenant-writer", "--connect", "h:1", "--root", "/o", "--tls-keystore", "/k.pem")]
    [InlineData("solr", "--config", "solr.in.sh", "--name", "n1", "--jaas", "/c.jaas")]
    public void Parse_SecurityArgumentWhereItDoesNotBelong_OneLineError(params string[] args)
    {
        var error = Assert.Throws<StandInConfigException>(() => StandInArguments.Parse(args));

        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ForBroker_SetAclWithoutAnyIdentity_RefusedAsKafkaRefusesIt()
    {
        var properties = ServerProperties.Parse(Base + "zookeeper.set.acl=true\n");

        var error = Assert.Throws<StandInConfigException>(() => StandInSecurity.ForBroker(properties, StandInArguments.Parse(["--config", "/tmp/s.properties"])));

        Assert.Contains("zookeeper.set.acl=true", error.Message, StringComparison.Ordinal);
        Assert.Contains("--jaas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForBroker_MissingJaasFile_OneLineErrorNamingIt()
    {
        var properties = ServerProperties.Parse(Base);

        var error = Assert.Throws<StandInConfigException>(() => StandInSecurity.ForBroker(properties, StandInArguments.Parse(["--config", "/tmp/s.properties", "--jaas", "/nonexistent/kafka.jaas"])));

        Assert.StartsWith("--jaas: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/kafka.jaas", error.Message, StringComparison.Ordinal);
    }
}
