using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Plans;

/// <summary>Plans whose hosts are IPv6 addresses: accepted bare in <c>host</c>, bracketed wherever a port follows.</summary>
public sealed class PlanIpv6Tests
{
    private static string Ipv6Plan => SamplePlans.Valid
        .Replace("host: 10.250.7.1", "host: fd00::1", StringComparison.Ordinal)
        .Replace("agent: 10.250.7.1", "agent: \"[fd00::1", StringComparison.Ordinal)
        .Replace("agent: 10.250.7.2", "agent: \"[fd00::2", StringComparison.Ordinal)
        .Replace(":7443 }", "]:7443\" }", StringComparison.Ordinal);

    [Fact]
    public void Load_Ipv6Hosts_ConnectStringsProbesAndMembersBracketed()
    {
        var plan = PlanLoader.Load(Ipv6Plan);

        Assert.Equal("fd00::14", plan.Destination[0].Host);
        Assert.Equal("[fd00::14]:2181,[fd00::15]:2181,[fd00::16]:2181/kafka", plan.DestinationConnect);
        Assert.Equal("[fd00::11]:3888", plan.Source[0].Endpoint(3888));
        Assert.Equal("fd00::22", plan.Brokers[1].Host);
        Assert.Contains("server.4=[fd00::14]:2888:3888:observer\n", ZooConfig.WithMembers("", MemberSets.ObserverJoin(plan), observer: true), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"[fd00::21]:7443\"", "\"fd00::21:7443\"", "IPv6 address without brackets")]
    [InlineData("\"[fd00::21]:7443\"", "\"[fd00::21]\"", "no port")]
    [InlineData("\"[fd00::21]:7443\"", "\"[fd00::21]7443\"", "':' and a port")]
    [InlineData("\"[fd00::21]:7443\"", "\"[fd00::21:7443\"", "unclosed '['")]
    public void Load_MalformedIpv6Agent_OneLineProblemAtTheField(string find, string replace, string expected)
    {
        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(Ipv6Plan.Replace(find, replace, StringComparison.Ordinal)));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("kafka.brokers[0].agent", problem.Path);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem.Message);
    }

    [Fact]
    public void Load_BracketedHost_RefusedAtTheField()
    {
        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(Ipv6Plan.Replace("host: fd00::14", "host: \"[fd00::14]\"", StringComparison.Ordinal)));

        Assert.Contains(error.Problems, p => p.Path == "destination.servers[0].host");
    }

    [Fact]
    public void Load_SameIpv6AddressSpelledTwice_ClashFound()
    {
        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(Ipv6Plan.Replace("host: fd00::15", "host: fd00:0:0::14", StringComparison.Ordinal)));

        Assert.Contains(error.Problems, p => p.Path == "destination.servers[1].clientPort" && p.Message.Contains("[fd00::14]:2181", StringComparison.Ordinal));
    }
}
