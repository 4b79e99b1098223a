namespace ZkMitosis.Lab.Tests;

public sealed class LabSpecTests
{
    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        Assert.Empty(new LabSpec().Validate());
    }

    [Theory]
    [InlineData(0, 3, 3, "source: 0 is out of range")]
    [InlineData(8, 3, 3, "source: 8 is out of range")]
    [InlineData(3, 0, 3, "destination: 0 is out of range")]
    [InlineData(3, 3, 100, "brokers: 100 is out of range")]
    [InlineData(3, 3, -1, "brokers: -1 is out of range")]
    public void Validate_SizeOutOfRange_NamesTheSize(int source, int destination, int brokers, string expected)
    {
        var problems = new LabSpec { Source = source, Destination = destination, Brokers = brokers }.Validate();

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3, 4, "racks: 4 is out of range (0–3, the number of brokers)")]
    [InlineData(3, -1, "racks: -1 is out of range")]
    public void Validate_RacksOutOfRange_Refused(int brokers, int racks, string expected)
    {
        var problems = new LabSpec { Brokers = brokers, Racks = racks }.Validate();

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void RackOf_RoundRobinByBrokerId_NoneWithoutRacks()
    {
        var spec = new LabSpec { Brokers = 9, Racks = 3 };

        Assert.Empty(spec.Validate());
        Assert.Equal(["r1", "r2", "r3", "r1", "r2", "r3", "r1", "r2", "r3"], Enumerable.Range(1, 9).Select(spec.RackOf));
        Assert.Null(new LabSpec().RackOf(1));
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOne()
    {
        var problems = new LabSpec { Name = "Bad_Name", Source = 0, Destination = 9, Subnet = "8.8.8.0/24" }.Validate();

        Assert.Equal(4, problems.Count);
    }

    [Theory]
    [InlineData("256m", true)]
    [InlineData("60m", true)]
    [InlineData("1536m", true)]
    [InlineData("16g", true)]
    [InlineData("59m", false)]
    [InlineData("17g", false)]
    [InlineData("0g", false)]
    [InlineData("1g -Dx=y", false)]
    [InlineData("1G\n", false)]
    [InlineData("", false)]
    public void Validate_ZooKeeperHeap_OnlyASizeReachesTheJvmCommandLine(string heap, bool accepted)
    {
        var problems = new LabSpec { ZooKeeperHeap = heap }.Validate();

        Assert.Equal(accepted, !problems.Any(p => p.StartsWith("ZooKeeper heap", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("10.251.0.0/16", "IPv4 /24")]
    [InlineData("10.251.0.5/24", "network address")]
    [InlineData("8.8.8.0/24", "private range")]
    [InlineData("nonsense", "IPv4 /24")]
    public void Validate_BadSubnet_SaysWhy(string subnet, string expected)
    {
        var problems = new LabSpec { Subnet = subnet }.Validate();

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void EffectivePrefix_Default_IsZkmNameDash()
    {
        Assert.Equal("zkm-demo-", new LabSpec { Name = "demo" }.EffectivePrefix);
    }

    [Theory]
    [InlineData(3, 200)]
    [InlineData(5, 200)]
    [InlineData(30, 2000)]
    public void BrokerWriteIntervalMs_ManyBrokers_TheirWritesTogetherStayAtTheSmallLabsRate(int brokers, int expected)
    {
        Assert.Equal(expected, new LabSpec { Brokers = brokers }.BrokerWriteIntervalMs);
    }
}
