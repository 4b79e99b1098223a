using System.Globalization;
using ZkMitosis.Coordinator.Smoketest;
using ZkMitosis.Lab.Servers;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// Issue 12 §3: <c>smoketest --config</c> on a ZooKeeper 3.5+ node whose members live in <c>zoo.cfg.dynamic.N</c>
/// (zoo.cfg holds only this server's clientPort): every member of the dynamic file is tested, against a real
/// 3-server ensemble started from such pairs. A zoo.cfg with member lines besides its dynamic file is refused, as the
/// real server refuses to start with it.
/// </summary>
public sealed class SmoketestDynamicConfigTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new("cli-dynamic");
    private readonly List<ZooKeeperServerProcess> _servers = [];
    private List<QuorumMember> _members = [];
    private List<int> _clientPorts = [];

    public async Task InitializeAsync()
    {
        ZooKeeperInstallation.EnsureInstalled();
        _members = [.. Enumerable.Range(1, 3).Select(id => new QuorumMember(id, "127.0.0.1", FreePorts.Next(), FreePorts.Next()))];
        _clientPorts = [.. _members.Select(_ => FreePorts.Next())];
        foreach (var member in _members)
        {
            var config = Server(member.ServerId, members: []);
            // Written as ZooKeeper's reconfig writes it: participant roles, each server's client address after ';'.
            Directory.CreateDirectory(config.ConfDirectory);
            await File.WriteAllTextAsync(DynamicPath(config), DynamicText());
            _servers.Add(new ZooKeeperServerProcess(config with { ExtraOptions = new Dictionary<string, string> { ["dynamicConfigFile"] = DynamicPath(config) } }));
        }

        foreach (var server in _servers)
        {
            server.Start();
        }

        await Task.WhenAll(_servers.Select(s => s.WaitUntilServingAsync(ZooKeeperEnsemble.StartTimeout)));
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.KillAsync()));
        _directory.Dispose();
    }

    [Fact]
    public async Task Smoketest_ConfigWithDynamicFile_TestsEveryMemberOfTheDynamicFile()
    {
        var config = _servers[0].Config.ConfigPath;
        Assert.DoesNotContain("server.", await File.ReadAllTextAsync(config), StringComparison.Ordinal);

        var outcome = await CliRunner.RunAsync("smoketest", "--config", config, "--znode-count", "10", "--json");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var report = SmoketestJson.Deserialize(outcome.Output);
        Assert.Equal(_clientPorts.Select(p => $"127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}"), report.Servers.Select(s => s.Server));
        Assert.All(report.Servers, s => Assert.True(s.Connected && s.Phases.Count > 0, s.Server));
    }

    [Fact]
    public async Task Smoketest_MemberLinesBesideTheDynamicFile_RefusedInOneLineAsTheServerRefusesToStart()
    {
        // The same pair plus zoo.cfg's own member lines: the real server exits with ZooKeeper's ConfigException.
        var both = Server(9, _members) with { ClientPort = FreePorts.Next() };
        Directory.CreateDirectory(both.ConfDirectory);
        await File.WriteAllTextAsync(DynamicPath(both), DynamicText());
        await using var refused = new ZooKeeperServerProcess(both with { ExtraOptions = new Dictionary<string, string> { ["dynamicConfigFile"] = DynamicPath(both) } });
        refused.Start();
        var exited = await Assert.ThrowsAsync<InvalidOperationException>(() => refused.WaitUntilServingAsync(ZooKeeperEnsemble.StartTimeout));
        Assert.Contains("must be in a separate dynamic config file", exited.Message, StringComparison.Ordinal);

        var outcome = await RealCli.RunAsync(["smoketest", "--config", both.ConfigPath, "--znode-count", "0"]);

        outcome.AssertOneLineError(2, "server.1 must be in the dynamic config file it names");
    }

    private ZooKeeperServerConfig Server(int id, IReadOnlyList<QuorumMember> members) => new()
    {
        Directory = Path.Combine(_directory.Path, $"server{id.ToString(CultureInfo.InvariantCulture)}"),
        ServerId = id,
        ClientPort = id <= _clientPorts.Count ? _clientPorts[id - 1] : 1,
        Members = members,
    };

    private static string DynamicPath(ZooKeeperServerConfig config) => Path.Combine(config.ConfDirectory, "zoo.cfg.dynamic.100000000");

    private string DynamicText() => string.Concat(_members.Select((m, i) =>
        $"{m.ToConfigLine()}:participant;127.0.0.1:{_clientPorts[i].ToString(CultureInfo.InvariantCulture)}\n"));
}
