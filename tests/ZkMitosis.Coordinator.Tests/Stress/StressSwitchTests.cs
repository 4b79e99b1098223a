using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Coordinator.Tests.Stress;

public sealed class StressSwitchTests
{
    [Fact]
    public async Task SwitchServers_ThenOldServerKilled_SessionsMoveKeepWritingAndNoneExpires()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var ensemble = await ZooKeeperEnsemble.StartAsync(3, cancellationToken: timeout.Token);
        var first = ensemble.Servers[0].Config;
        var others = string.Join(',', ensemble.Servers.Skip(1).Select(s => $"{s.Config.ClientAddress}:{s.Config.ClientPort}"));
        var options = new StressOptions
        {
            ConnectString = $"{first.ClientAddress}:{first.ClientPort}",
            Sessions = 4,
            WriteInterval = TimeSpan.FromMilliseconds(10),
            SessionTimeout = TimeSpan.FromSeconds(10),
        };

        var workload = await StressWorkload.StartAsync(options, timeout.Token);
        StressResult result;
        await using (workload)
        {
            Assert.True(await SessionsOnAsync(first.ClientAddress, first.ClientPort) >= 4);

            workload.SwitchServers(others);

            // Every session leaves the first server on its own, before anything fails.
            while (await SessionsOnAsync(first.ClientAddress, first.ClientPort) > 0)
            {
                await Task.Delay(100, timeout.Token);
            }

            await ensemble.Servers[0].KillAsync();
            var atKill = workload.AcknowledgedWrites;
            while (workload.AcknowledgedWrites < atKill + 40)
            {
                await Task.Delay(50, timeout.Token);
            }

            result = await workload.StopAsync();
        }

        Assert.Equal(others, workload.Hosts);
        Assert.All(result.Sessions, s =>
        {
            Assert.Equal(0, s.Expiries);
            Assert.Single(s.SessionIds);
            Assert.True(s.EphemeralHeldAtStop, $"session {s.Index} lost its ephemeral");
        });

        var verdict = await StressWorkload.VerifyAsync(others, result, timeout.Token);
        Assert.True(verdict.Passed, string.Join(", ", verdict.MissingPaths));
    }

    private static async Task<int> SessionsOnAsync(string host, int port)
    {
        var cons = await FourLetterWordClient.SendAsync(host, port, "cons");
        return cons.Split('\n').Count(l => l.Contains("sid=0x", StringComparison.Ordinal));
    }
}
