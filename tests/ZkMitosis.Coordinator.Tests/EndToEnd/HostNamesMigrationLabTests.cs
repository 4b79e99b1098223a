using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Issue 12 §4: one whole migration on a lab whose hosts are named (<c>lab up --hostnames</c>). The plan, the
/// source's zoo.cfg members and the brokers' <c>zookeeper.connect</c> carry names only; ZooKeeper, the agents and the
/// stand-ins resolve them through their namespace's hosts file, and the coordinator (the real command, through
/// <c>lab exec</c>) through the lab's. The cut's rules use the addresses the names resolved to, which the report lists.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class HostNamesMigrationLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_NamedHosts_CompletesWithNothingLostAndReportsTheAddressesUsed()
    {
        var lab = await MigrationLab.UpAsync(hostNames: true);
        var namespaces = lab.Lab.Hosts.Select(h => h.Namespace).ToList();
        try
        {
            var plan = PlanLoader.Load(lab.PlanText);
            var zooKeeperHosts = lab.Lab.Hosts.Where(h => h.IsZooKeeperHost).ToList();
            Assert.All(plan.Source.Concat(plan.Destination), s => Assert.EndsWith(".zkm.test", s.Host, StringComparison.Ordinal));
            Assert.All(plan.Brokers, b => Assert.EndsWith(".zkm.test", b.Host, StringComparison.Ordinal));
            var zk1 = lab.Lab.Host("zk1");
            Assert.Contains($"server.1={zk1.DnsName}:2888:3888", await File.ReadAllTextAsync(zk1.Layout.ZooCfg), StringComparison.Ordinal);
            var broker = lab.Brokers.First();
            Assert.Contains($"zookeeper.connect={zk1.DnsName}:2181,", await File.ReadAllTextAsync(broker.Layout.ServerProperties), StringComparison.Ordinal);

            var run = await RealCli.RunAsync(
                ["lab", "exec", "--dir", lab.Lab.Manifest.Directory, "--", "dotnet", RealCli.CliAssembly, "migrate", "run", lab.Lab.PlanPath!, "--yes", "--state-dir", lab.StateRoot],
                TimeSpan.FromMinutes(10));
            output.WriteLine(run.ToString());
            run.AssertExit(0);

            var report = MigrationRunner.Status(plan.PlanId, lab.StateRoot);
            Assert.Equal("completed", report.Status);
            Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
            Assert.Equal(zooKeeperHosts.Select(h => h.DnsName!).Order(StringComparer.Ordinal), report.HostAddresses.Keys.Order(StringComparer.Ordinal));
            Assert.All(zooKeeperHosts, h => Assert.Equal([h.Address], report.HostAddresses[h.DnsName!]));

            // The brokers were switched to the destination by name, and lost nothing.
            var destinationByName = string.Join(',', lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Destination).Select(h => $"{h.DnsName}:2181")) + "/kafka";
            Assert.All(lab.Brokers, b => Assert.Contains($"zookeeper.connect={destinationByName}\n", File.ReadAllText(b.Layout.ServerProperties), StringComparison.Ordinal));
            await lab.AssertStandInsWholeAsync(lab.Lab.DestinationConnectString + plan.Chroot);
            await lab.AssertOtherTenantWholeAsync();
        }
        finally
        {
            await lab.DisposeAsync();
        }

        // Down leaves no hosts file behind in /etc/netns.
        Assert.All(namespaces, ns => Assert.False(Directory.Exists(Path.Combine(LabHostNames.NetnsEtc, ns)), $"{LabHostNames.NetnsEtc}/{ns} left after down"));
    }

    [Fact]
    public async Task Abort_NamedHosts_EveryBrokerBackOnTheSourceAndTheDestinationEmptied()
    {
        await using var lab = await MigrationLab.UpAsync(hostNames: true);
        var plan = PlanLoader.Load(lab.PlanText);
        string[] coordinator = ["lab", "exec", "--dir", lab.Lab.Manifest.Directory, "--", "dotnet", RealCli.CliAssembly];

        // No --yes and no terminal: the run stops unconfirmed at the point of no return, every broker on the destination.
        var run = await RealCli.RunAsync([.. coordinator, "migrate", "run", lab.Lab.PlanPath!, "--state-dir", lab.StateRoot], TimeSpan.FromMinutes(10));
        output.WriteLine(run.ToString());
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("input is not a terminal", run.Error, StringComparison.Ordinal);

        // Abort resets each destination's data dir: each agent must know itself under the plan's name for its host.
        var abort = await RealCli.RunAsync([.. coordinator, "migrate", "abort", plan.PlanId, "--state-dir", lab.StateRoot], TimeSpan.FromMinutes(6));
        output.WriteLine(abort.ToString());
        abort.AssertExit(0);

        Assert.Equal("aborted", MigrationRunner.Status(plan.PlanId, lab.StateRoot).Status);
        var sourceByName = lab.Lab.Manifest.SourceConnectStringAsConfigured + plan.Chroot;
        Assert.All(lab.Brokers, b => Assert.Contains($"zookeeper.connect={sourceByName}\n", File.ReadAllText(b.Layout.ServerProperties), StringComparison.Ordinal));
        Assert.All(lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Destination), h =>
        {
            var log = Path.Combine(h.Layout.ZooKeeperDataDirectory, "version-2");
            Assert.False(Directory.Exists(log) && Directory.EnumerateFileSystemEntries(log).Any(), $"{h.Name}'s data dir was not emptied");
        });
        await lab.AssertStandInsWholeAsync(lab.Lab.SourceConnectString + plan.Chroot);
        await lab.AssertOtherTenantWholeAsync();
    }
}
