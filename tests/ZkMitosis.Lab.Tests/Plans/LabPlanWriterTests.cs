using YamlDotNet.RepresentationModel;
using ZkMitosis.Lab.Plans;

namespace ZkMitosis.Lab.Tests.Plans;

public sealed class LabPlanWriterTests
{
    [Fact]
    public void Render_ThreeThreeThree_ListsServersAgentsAndBrokersAsPlanFormat()
    {
        var manifest = LabTopology.Compose(new LabSpec { Name = "demo", Source = 3, Destination = 3, Brokers = 3 }) with
        {
            CaCertificatePath = "/labs/demo/pki/ca.crt",
            CoordinatorCertificatePath = "/labs/demo/pki/coordinator.crt",
            CoordinatorKeyPath = "/labs/demo/pki/coordinator.key",
        };

        var yaml = new YamlStream();
        yaml.Load(new StringReader(LabPlanWriter.Render(manifest)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;

        Assert.Equal("lab-demo", Scalar(root, "planId"));
        Assert.Equal("/kafka", Scalar(root, "chroot"));
        Assert.Equal("observer", Scalar(root, "strategy"));
        var source = (YamlSequenceNode)((YamlMappingNode)root["source"])["servers"];
        var destination = (YamlSequenceNode)((YamlMappingNode)root["destination"])["servers"];
        var brokers = (YamlSequenceNode)((YamlMappingNode)root["kafka"])["brokers"];
        Assert.Equal(["1", "2", "3"], source.Select(s => Scalar((YamlMappingNode)s, "id")));
        Assert.Equal(["4", "5", "6"], destination.Select(s => Scalar((YamlMappingNode)s, "id")));
        Assert.Equal("10.251.0.14", Scalar((YamlMappingNode)destination[0], "host"));
        Assert.Equal("10.251.0.14:7443", Scalar((YamlMappingNode)destination[0], "agent"));
        Assert.Equal("10.251.0.101:7443", Scalar((YamlMappingNode)brokers[0], "agent"));
        Assert.Equal("false", Scalar((YamlMappingNode)root["tls"], "insecure"));
        Assert.Equal("/labs/demo/pki/ca.crt", Scalar((YamlMappingNode)root["tls"], "ca"));
    }

    private static string? Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value;
}
