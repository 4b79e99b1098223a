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
        // On server 1: removing server 3 closes the connections of its clients.
        await using var client = await ZooKeeperClient.ConnectAsync(reconfig.ConnectStringOf(0), Options);
        var before = Encoding.UTF8.GetString((await client.GetConfigAsync()).Data);
        var line3 = before.Split('\n').Single(l => l.StartsWith("server.3=", StringComparison.Ordinal));
        var watch = new WatchRecorder();
        await client.GetConfigAsync(watch.Record);
        try
        {
            var removed = Encoding.UTF8.GetString((await client.ReconfigAsync(null, "3", null)).Data);
            Assert.DoesNotContain("server.3=", removed, StringComparison.Ordinal);
            Assert.Equal(WatchEventType.NodeDataChanged, (await watch.NextAsync()).Type);
            Assert.Equal(ZooKeeperClient.ConfigNode, watch.Events[0].Path);

            // A joining server needs its client address after ';' (the static config did not list one).
            var added = Encoding.UTF8.GetString((await client.ReconfigAsync($"{line3};{reconfig.ConnectStringOf(2)}", null, null)).Data);
            Assert.Contains(line3, added, StringComparison.Ordinal);
            Assert.Contains("server.1=", added, StringComparison.Ordinal);
        }
        finally
        {
            await reconfig.RestoreAsync();
        }
    }
}
