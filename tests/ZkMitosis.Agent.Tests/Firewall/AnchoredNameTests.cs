extern alias AgentServer;

using AgentServer::ZkMitosis.Agent.Files;
using AgentServer::ZkMitosis.Agent.Firewall;
using AgentServer::ZkMitosis.Agent.Kafka;

namespace ZkMitosis.Agent.Tests.Firewall;

/// <summary>
/// Names the agent checks with a regex are anchored with \z: a $ anchor also matches before a final newline, so
/// "name\n" would pass and reach a rule comment or a properties file.
/// </summary>
public sealed class AnchoredNameTests
{
    [Fact]
    public void ValidateGroup_TrailingNewline_Refused()
    {
        IsolationSpec.ValidateGroup("fence");

        Assert.Throws<InvalidRequestException>(() => IsolationSpec.ValidateGroup("fence\n"));
    }

    [Fact]
    public void ValidateZookeeperConnect_TrailingNewline_Refused()
    {
        KafkaServerProperties.Validate("10.0.0.1:2181,10.0.0.2:2181/kafka");

        Assert.Throws<InvalidRequestException>(() => KafkaServerProperties.Validate("10.0.0.1:2181/kafka\n"));
        Assert.Throws<InvalidRequestException>(() => KafkaServerProperties.Validate("10.0.0.1:2181\n"));
    }
}
