using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Lab.Network;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// One whole migration on a lab with IPv6 only (<c>lab up --ipv6</c>: ULA addresses, no IPv4 on any host's link): the
/// plan, zoo.cfg members, connect strings, probes, the cut's firewall rules and the Kafka check all carry IPv6 addresses.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class Ipv6MigrationLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_Ipv6OnlyLab_CompletesWithNothingLost()
    {
        await using var lab = await MigrationLab.UpAsync(ipv6: true);
        var plan = PlanLoader.Load(lab.Plan());
        Assert.All(lab.Lab.Hosts, h => Assert.Equal(AddressFamily.InterNetworkV6, IPAddress.Parse(h.Address).AddressFamily));
        Assert.StartsWith("[fd00:", plan.DestinationConnect, StringComparison.Ordinal);
        var zk1 = lab.Lab.Host("zk1");
        Assert.Equal("", (await CommandRunner.RunCheckedAsync("ip", ["-n", zk1.Namespace, "-4", "addr", "show", "dev", "eth0"])).Trim());
        Assert.Contains($"server.1=[{zk1.Address}]:2888:3888", await File.ReadAllTextAsync(zk1.Layout.ZooCfg), StringComparison.Ordinal);

        var run = await WorkloadMigration.RunAsync(lab, lab.Plan(), sessions: 4, output);

        await WorkloadMigration.AssertNothingLostAsync(lab, plan.DestinationConnect, run);
    }
}
