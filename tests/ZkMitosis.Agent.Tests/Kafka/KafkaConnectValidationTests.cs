extern alias AgentServer;

using AgentServer::ZkMitosis.Agent.Files;
using AgentServer::ZkMitosis.Agent.Kafka;

namespace ZkMitosis.Agent.Tests.Kafka;

/// <summary>The zookeeper.connect an agent writes into server.properties is read by the shared connect-string parser.</summary>
public sealed class KafkaConnectValidationTests
{
    [Theory]
    [InlineData("[fd00::11]:2181,[fd00::12]:2181/kafka")]
    [InlineData("10.0.0.1:2181,zk2.example:2182/kafka/cluster")]
    public void Validate_BracketedIpv6AndNames_Accepted(string connect) => KafkaServerProperties.Validate(connect);

    [Theory]
    [InlineData("fd00::11:2181/kafka", "without brackets")]
    [InlineData("[fd00::11]:2181,fd00::12:2181/kafka", "without brackets")]
    [InlineData("10.0.0.1:2181/kafka//x", "chroot")]
    public void Validate_UnbracketedIpv6OrBadChroot_RefusedNamingWhy(string connect, string expected)
    {
        var error = Assert.Throws<InvalidRequestException>(() => KafkaServerProperties.Validate(connect));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
