using ZkMitosis.Coordinator.Smoketest;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Smoketest;

public sealed class SmoketestRunnerTests
{
    [Fact]
    public async Task RunAsync_HealthyEnsembleThenOneServerDown_PassesThenFailsNamingTheServer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        await using var ensemble = await ZooKeeperEnsemble.StartAsync(3, cancellationToken: timeout.Token);
        var servers = ensemble.Servers.Select(s => $"{s.Config.ClientAddress}:{s.Config.ClientPort}").ToList();
        var options = new SmoketestOptions { Servers = servers, ZnodeCount = 50, InFlight = 20 };

        var healthy = await SmoketestRunner.RunAsync(options, timeout.Token);

        Assert.True(healthy.Passed, string.Join("; ", healthy.Failures.Select(f => $"{f.Server} {f.Check}: {f.Message}")));
        Assert.Equal(servers, healthy.Servers.Select(s => s.Server));
        Assert.All(healthy.Servers, s =>
        {
            Assert.True(s.Connected);
            Assert.Equal(12, s.Phases.Count);
            Assert.All(s.Phases, p =>
            {
                Assert.Equal(50, p.Count);
                Assert.True(p.OpsPerSecond > 0 && p.MeanMs > 0 && p.P99Ms >= p.MeanMs * 0 && p.MaxMs >= p.P99Ms, $"{p.Phase} {p.Mode}");
            });
            Assert.Equal(["sync", "pipelined"], s.Phases.Select(p => p.Mode).Distinct());
            Assert.Contains(s.Phases, p => p.Phase == "watch fire");
        });
        await using (var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString))
        {
            Assert.Empty((await client.GetChildrenAsync("/zkmitosis-smoketest")).Children);
        }

        await ensemble.Servers[2].KillAsync();
        var degraded = await SmoketestRunner.RunAsync(options with { ZnodeCount = 0, Timeout = TimeSpan.FromSeconds(3) }, timeout.Token);

        Assert.False(degraded.Passed);
        var failure = Assert.Single(degraded.Failures);
        Assert.Equal(servers[2], failure.Server);
        Assert.Equal("connect", failure.Check);
        Assert.False(degraded.Servers[2].Connected);
        Assert.True(degraded.Servers[0].Connected && degraded.Servers[1].Connected);
    }
}
