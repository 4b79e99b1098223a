extern alias AgentServer;

using AgentServer::ZkMitosis.Agent.Files;
using AgentServer::ZkMitosis.Agent.Kafka;

namespace ZkMitosis.Agent.Tests.Files;

public sealed class PropertiesTextTests
{
    private const string ServerProperties =
        "# Kafka broker\r\nbroker.id=3\r\n\r\n  zookeeper.connect = zk1:2181,zk2:2181/kafka\r\nlog.dirs=/var/lib/kafka # keep\r\n! bang comment\r\nzookeeper.connection.timeout.ms=18000";

    [Fact]
    public void WithZookeeperConnect_ExistingKey_OnlyThatValueChanges()
    {
        var updated = KafkaServerProperties.WithZookeeperConnect(ServerProperties, "d1:2181,d2:2181/kafka");

        Assert.Equal(ServerProperties.Replace("zk1:2181,zk2:2181/kafka", "d1:2181,d2:2181/kafka", StringComparison.Ordinal), updated);
        Assert.Equal(("d1:2181,d2:2181/kafka", 3L), KafkaServerProperties.Read(updated));
    }

    [Fact]
    public void WithZookeeperConnect_KeyAbsent_AppendedAtTheEnd()
    {
        var updated = KafkaServerProperties.WithZookeeperConnect("broker.id=1\n", "d1:2181/kafka");

        Assert.Equal("broker.id=1\nzookeeper.connect=d1:2181/kafka\n", updated);
    }

    [Theory]
    [InlineData("")]
    [InlineData("d1")]
    [InlineData("d1:2181, d2:2181")]
    public void WithZookeeperConnect_NotAConnectString_InvalidRequest(string connect)
    {
        var error = Assert.Throws<InvalidRequestException>(() => KafkaServerProperties.WithZookeeperConnect(ServerProperties, connect));

        Assert.Equal("zookeeper_connect", error.Field);
    }

    [Fact]
    public void Write_ExpectedShaDiffers_PreconditionFailedAndFileUntouched()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zkat-{Guid.NewGuid():N}.cfg");
        File.WriteAllText(path, "a=1\n");
        try
        {
            var writer = new AtomicFileWriter(TimeProvider.System);

            var error = Assert.Throws<PreconditionFailedException>(() => writer.Write(path, "a=2\n", new string('f', 64)));

            Assert.Equal("SHA256", error.Type);
            Assert.Equal("a=1\n", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
