using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.ZooKeeper.Tests.FourLetterWords;

public sealed class FourLetterWordClientTests
{
    [Fact]
    public async Task Send_Srvr_StandaloneServerReportsMode()
    {
        await using var zk = await ZooKeeperEnsemble.StartStandaloneAsync();
        var server = zk.Servers[0].Config;

        var reply = await FourLetterWordClient.SendAsync(server.ClientAddress, server.ClientPort, "srvr");

        Assert.Contains("Mode: standalone", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ClosedPort_FailsWithRefused()
    {
        var port = FreePorts.Next();

        var error = await Assert.ThrowsAsync<FourLetterWordException>(() => FourLetterWordClient.SendAsync("127.0.0.1", port, "ruok"));

        Assert.Equal("connection refused", error.Problem);
    }
}
