using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>A real ZooKeeper server on IPv6 loopback <c>[::1]</c>, and IPv6 addresses without brackets refused in one line.</summary>
public sealed class Ipv6CliTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new("cli-ipv6");
    private ZooKeeperEnsemble? _server;

    public async Task InitializeAsync() => _server = await ZooKeeperEnsemble.StartStandaloneAsync(address: "::1");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task Smoketest_ServersOnIpv6Loopback_Passes()
    {
        Assert.StartsWith("[::1]:", _server!.ConnectString, StringComparison.Ordinal);

        var outcome = await CliRunner.RunAsync("smoketest", "--servers", _server.ConnectString, "--znode-count", "20");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("PASSED", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smoketest_ConfigWithBracketedMember_ConnectsToIpv6Loopback()
    {
        var port = _server!.Servers[0].Config.ClientPort;
        var config = Path.Combine(_directory.Path, "zoo.cfg");
        await File.WriteAllTextAsync(config, $"tickTime=2000\nclientPort={port}\nserver.1=[::1]:{FreePorts.Next()}:{FreePorts.Next()}\n");

        var outcome = await CliRunner.RunAsync("smoketest", "--config", config, "--znode-count", "20", "--json");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains($"\"[::1]:{port}\"", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZkFourLetterWord_Ipv6Loopback_AnswersAndUnbracketedRefused()
    {
        var port = _server!.Servers[0].Config.ClientPort;

        var answered = await CliRunner.RunAsync("zk", "4lw", $"[::1]:{port}", "srvr");
        var refused = await RealCli.RunAsync(["zk", "4lw", $"::1:{port}", "srvr"]);

        Assert.True(answered.ExitCode == 0, answered.ToString());
        Assert.Contains("Mode: standalone", answered.Output, StringComparison.Ordinal);
        refused.AssertOneLineError(2, "without brackets");
    }

    [Fact]
    public async Task AgentStatus_UnbracketedIpv6Agent_OneLineExitTwo()
    {
        var outcome = await RealCli.RunAsync(["agent", "status", "--agent", "fd00::11:7443", "--insecure"]);

        // agent status names itself in its errors ("zkmitosis agent status: …"), so the shared assertion's prefix does not apply.
        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        var line = Assert.Single(outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("without brackets", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error + outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigratePlan_UnbracketedIpv6BrokerAgent_OneLineExitTwo()
    {
        var plan = Path.Combine(_directory.Path, "plan.yaml");
        await File.WriteAllTextAsync(plan, CliPlans.Valid.Replace("agent: 127.0.0.3:9", "agent: \"fd00::21:7443\"", StringComparison.Ordinal));

        var outcome = await RealCli.RunAsync(["migrate", "plan", plan]);

        outcome.AssertOneLineError(2, "kafka.brokers[0].agent", "without brackets");
    }
}
