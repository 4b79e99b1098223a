using System.Text;

namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>reconfig changes the ensemble, so it gets an ensemble of its own (reconfigEnabled, skipACL).</summary>
public sealed class ZooKeeperClientReconfigTests(EnsembleFixture reconfig) : IClassFixture<EnsembleFixture>
{
    private static readonly ZooKeeperClientOptions Options = new()
    {
        SessionTimeout = TimeSpan.FromSeconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(40),
    };

    [Fact]
    public async Task Reconfig_RemoveThenAddMember_ConfigFollows()
    {
        // Removing the leader would force an election that drops every client: talk to the leader, remove a follower.
        var leader = await LeaderIndexAsync();
        var victim = Enumerable.Range(0, 3).First(i => i != leader);
        var victimId = reconfig.Ensemble.Servers[victim].Config.ServerId;
        await using var client = await ZooKeeperClient.ConnectAsync(reconfig.ConnectStringOf(leader), Options);
        var before = Encoding.UTF8.GetString((await client.GetConfigAsync()).Data);
        var line = before.Split('\n').Single(l => l.StartsWith($"server.{victimId}=", StringComparison.Ordinal));
        var watch = new WatchRecorder();
        await client.GetConfigAsync(watch.Record);
        try
        {
            var removed = Encoding.UTF8.GetString((await client.ReconfigAsync(null, victimId.ToString(System.Globalization.CultureInfo.InvariantCulture), null)).Data);
            Assert.DoesNotContain($"server.{victimId}=", removed, StringComparison.Ordinal);
            Assert.Equal(WatchEventType.NodeDataChanged, (await watch.NextAsync()).Type);
            Assert.Equal(ZooKeeperClient.ConfigNode, watch.Events[0].Path);

            // A joining server needs its client address after ';' (the static config did not list one).
            var added = Encoding.UTF8.GetString((await client.ReconfigAsync($"{line};{reconfig.ConnectStringOf(victim)}", null, null)).Data);
            Assert.Contains(line, added, StringComparison.Ordinal);
            Assert.Equal(3, added.Split('\n').Count(l => l.StartsWith("server.", StringComparison.Ordinal)));
        }
        finally
        {
            await reconfig.RestoreAsync();
        }
    }

    private async Task<int> LeaderIndexAsync()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            for (var i = 0; i < 3; i++)
            {
                var config = reconfig.Ensemble.Servers[i].Config;
                var reply = await ZkMitosis.ZooKeeper.FourLetterWords.FourLetterWordClient.SendAsync(config.ClientAddress, config.ClientPort, "srvr");
                if (reply.Contains("Mode: leader", StringComparison.Ordinal))
                {
                    return i;
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("no leader within 20 s");
    }
}
