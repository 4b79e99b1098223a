using ZkMitosis.KafkaStandIn;

namespace ZkMitosis.Lab.Tests.KafkaStandIn;

public sealed class ServerPropertiesTests
{
    [Fact]
    public void Parse_KafkaStyleFile_ReadsIdConnectChrootTimeoutListeners()
    {
        var properties = ServerProperties.Parse("""
            # a comment
            broker.id=2
            listeners=PLAINTEXT://10.251.0.32:9092,SSL://10.251.0.32:9093
            zookeeper.connect=10.251.0.11:2181,10.251.0.12:2181/kafka
            zookeeper.session.timeout.ms: 6000
            """);

        Assert.Equal(2, properties.BrokerId);
        Assert.Equal("10.251.0.11:2181,10.251.0.12:2181", properties.ZooKeeperHosts);
        Assert.Equal("/kafka", properties.Chroot);
        Assert.Equal("10.251.0.11:2181,10.251.0.12:2181/kafka", properties.ConnectString);
        Assert.Equal(6000, properties.SessionTimeoutMs);
        Assert.Equal([new BrokerEndpoint("PLAINTEXT", "10.251.0.32", 9092), new BrokerEndpoint("SSL", "10.251.0.32", 9093)], properties.Listeners);
    }

    [Fact]
    public void Parse_NoTimeout_UsesKafkaDefault()
    {
        var properties = ServerProperties.Parse("broker.id=0\nzookeeper.connect=h:2181\nlisteners=PLAINTEXT://h:9092\n");

        Assert.Equal(ServerProperties.DefaultSessionTimeoutMs, properties.SessionTimeoutMs);
        Assert.Equal(string.Empty, properties.Chroot);
    }

    [Fact]
    public void Parse_MissingKeys_NamesEveryProblem()
    {
        var error = Assert.Throws<StandInConfigException>(() => ServerProperties.Parse("zookeeper.session.timeout.ms=soon\n", "x.properties"));

        Assert.Contains("broker.id", error.Message, StringComparison.Ordinal);
        Assert.Contains("zookeeper.connect is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("'soon'", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("x.properties:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("broker.rack=eu-west-1a\n", "eu-west-1a")]
    [InlineData("broker.rack=\n", null)]
    [InlineData("", null)]
    public void Parse_BrokerRack_RegisteredAsKafkaDoesOnlyWhenSet(string line, string? rack)
    {
        var properties = ServerProperties.Parse("broker.id=0\nzookeeper.connect=h:2181\nlisteners=PLAINTEXT://h:9092\n" + line);

        Assert.Equal(rack, properties.Rack);
        using var registration = System.Text.Json.JsonDocument.Parse(KafkaJson.BrokerRegistration(properties.Listeners, DateTimeOffset.UnixEpoch, properties.Rack));
        Assert.Equal(rack is not null, registration.RootElement.TryGetProperty("rack", out var registered));
        if (rack is not null)
        {
            Assert.Equal(rack, registered.GetString());
        }
    }
}
