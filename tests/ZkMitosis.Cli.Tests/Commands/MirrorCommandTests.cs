using ZkMitosis.Coordinator.Mirror;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary><c>zkmitosis mirror</c> as an operator runs it (the built command, a real ZooKeeper).</summary>
public sealed class MirrorCommandTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Theory]
    [InlineData("--until-zxid", "0xnope", "--until-zxid")]
    [InlineData("--until-zxid", "-5", "--until-zxid")]
    [InlineData("--rescan-interval", "5h", "--rescan-interval")]
    [InlineData("--progress-interval", "0", "--progress-interval")]
    [InlineData("--ttl", "/a=0", "--ttl")]
    public async Task Mirror_BadInput_OneLineExitTwo(string option, string value, string named)
    {
        var outcome = await RealCli.RunAsync(["mirror", "--source", "127.0.0.1:9/a", "--target", "127.0.0.1:9/b", option, value]);

        outcome.AssertOneLineError(2, named);
    }

    [Fact]
    public async Task Mirror_SourceWithoutPort_OneLineExitTwo()
    {
        var outcome = await RealCli.RunAsync(["mirror", "--source", "localhost/a", "--target", "127.0.0.1:9/b"]);

        outcome.AssertOneLineError(2, "localhost/a");
    }

    [Fact]
    public async Task Mirror_UntilZxid_AppliesEverythingUpToItAndStopsExitZero()
    {
        var root = $"/climirror-{Guid.NewGuid():N}"[..20];
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await client.CreateAsync(root, default);
        await client.CreateAsync(root + "/src", "s"u8.ToArray());
        await client.CreateAsync(root + "/src/a", "1"u8.ToArray());
        await client.SetDataAsync(root + "/src/a", "2"u8.ToArray());
        var zxid = client.LastZxidSeen;

        var outcome = await RealCli.RunAsync(["mirror", "--source", server.ConnectString + root + "/src", "--target", server.ConnectString + root + "/dst", "--until-zxid", $"0x{zxid:x}", "--json", "--progress-interval", "200ms"], TimeSpan.FromSeconds(90));

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var last = MirrorJson.Deserialize(outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.True(last.AppliedZxid >= zxid, outcome.ToString());
        Assert.Equal(MirrorPhase.Stopped, last.Phase);
        var copied = await client.GetDataAsync(root + "/dst/a");
        Assert.Equal("2"u8.ToArray(), copied.Data);
        Assert.Equal(1, copied.Stat.Version);
    }
}
