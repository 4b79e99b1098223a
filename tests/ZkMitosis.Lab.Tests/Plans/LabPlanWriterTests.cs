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

    /// <summary>
    /// A secured lab's plan (<c>lab up --secure</c>) is a valid secured plan: the coordinator's TLS files and the owner's
    /// credentials on both ensembles (owner-only, as the plan loader demands), every server's secure port, and each
    /// destination host's own stores and JAAS file; the files exist, and no password is in the plan.
    /// </summary>
    [Fact]
    public void Render_SecuredLab_LoadsAsASecuredPlanWithEachDestinationHostsOwnFiles()
    {
        using var directory = new ZkMitosis.Testing.TestDirectory("zklt-secplan");
        var manifest = LabTopology.Compose(new LabSpec { Name = "sec", Brokers = 1, Secure = true, InsecureAgents = true, Directory = directory.Path }) with { AgentsInsecure = true };
        ZkMitosis.Lab.Security.LabSecurity.Prepare(manifest);

        var text = LabPlanWriter.Render(manifest);
        var plan = ZkMitosis.Coordinator.Plans.PlanLoader.Load(text);

        Assert.NotNull(plan.SourceSecurity.ClientTls);
        Assert.NotNull(plan.DestinationSecurity.ClientTls);
        Assert.Equal(ZkMitosis.Coordinator.Plans.ClientAuthScheme.Sasl, plan.SourceSecurity.ClientAuth!.Scheme);
        Assert.All(plan.Source.Concat(plan.Destination), s => Assert.Equal(2182, s.SecureClientPort));
        var zk4 = manifest.Host("zk4");
        Assert.Equal(ZkMitosis.Lab.Security.LabSecurity.Jaas(zk4), plan.Destination[0].HostSecurity.Jaas);
        Assert.Equal(ZkMitosis.Lab.Security.LabSecurity.KeyStore(zk4), plan.Destination[0].HostSecurity.QuorumTls!.KeyStore);
        Assert.True(File.Exists(plan.Destination[0].HostSecurity.Jaas));
        Assert.Equal("10.251.0.14:2182,10.251.0.15:2182,10.251.0.16:2182/kafka", plan.DestinationConnectFor(plan.MovedTenants.Single()));
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
    }

    private static string? Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value;
}
