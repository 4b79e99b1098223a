using ZkMitosis.Lab.Servers;
using ZkMitosis.Lab.Tests.Network;

namespace ZkMitosis.Lab.Tests;

[Collection(LabCollection.Name)]
public sealed class LabFaultTests : IClassFixture<SmallLabFixture>
{
    private static readonly TimeSpan ServeTimeout = TimeSpan.FromSeconds(90);
    private readonly Lab _lab;

    public LabFaultTests(SmallLabFixture fixture)
    {
        _lab = fixture.Lab;
    }

    [Fact]
    public async Task Start_KilledZooKeeperHost_ServesAgain()
    {
        await _lab.WaitUntilServingAsync("zk1", ServeTimeout);
        var before = _lab.ServicePid("zk1");

        await _lab.KillAsync("zk1");

        Assert.False(ProcessSignals.IsAliveAndNotZombie(before));
        Assert.False(await _lab.IsRunningAsync("zk1"));
        Assert.False((await _lab.StatusAsync()).Hosts.Single(h => h.Name == "zk1").ServiceRunning);

        await _lab.StartAsync("zk1");
        var mode = await _lab.WaitUntilServingAsync("zk1", ServeTimeout);

        Assert.Equal("leader", mode);
        Assert.NotEqual(before, _lab.ServicePid("zk1"));
    }

    [Fact]
    public async Task Partition_HostFromPeer_CutsTrafficBothWaysUntilHealed()
    {
        await _lab.WaitUntilServingAsync("zk1", ServeTimeout);
        var zk1 = _lab.Host("zk1");
        var zk2 = _lab.Host("zk2");
        Assert.True(await LabNetworkProbe.CanConnectAsync(zk2.Namespace, zk1.Address, zk1.ClientPort));

        await _lab.PartitionAsync("zk1", ["zk2"]);
        try
        {
            Assert.False(await LabNetworkProbe.CanConnectAsync(zk2.Namespace, zk1.Address, zk1.ClientPort));
            // Outbound from the partitioned host too (nothing listens on zk2, but a cut link cannot even be refused).
            var outbound = await CommandRunnerProbe.ConnectOutcomeAsync(zk1.Namespace, zk2.Address, 2181);
            Assert.Equal("timeout", outbound);
            // The root namespace (the coordinator's side) still reaches zk1.
            Assert.True((await ZkMitosis.Lab.Hosts.ZooKeeperProbe.ProbeAsync(zk1.Address, zk1.ClientPort, TimeSpan.FromSeconds(3), CancellationToken.None)).IsServing);
            Assert.Equal(["zk2"], (await _lab.StatusAsync()).Hosts.Single(h => h.Name == "zk1").PartitionedFrom);
        }
        finally
        {
            await _lab.HealAsync("zk1", ["zk2"]);
        }

        Assert.True(await LabNetworkProbe.CanConnectAsync(zk2.Namespace, zk1.Address, zk1.ClientPort));
        Assert.Equal("refused", await CommandRunnerProbe.ConnectOutcomeAsync(zk1.Namespace, zk2.Address, 2181));
    }

    [Fact]
    public async Task Up_SubnetOfRunningLab_FailsAndBuildsNothing()
    {
        var spec = await LabTestSpecs.CreateAsync() with { Subnet = _lab.Manifest.Subnet };

        var error = await Assert.ThrowsAsync<LabException>(() => LabCluster.UpAsync(spec));

        Assert.Contains($"subnet {_lab.Manifest.Subnet} is in use", error.Message, StringComparison.Ordinal);
        await LabAssert.NothingLeftAsync(spec.EffectivePrefix, spec.EffectiveDirectory);
    }
}
