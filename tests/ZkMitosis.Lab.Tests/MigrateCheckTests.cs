using System.Security.Cryptography;
using System.Text;
using Xunit.Abstractions;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;

namespace ZkMitosis.Lab.Tests;

/// <summary>One source, two destination hosts, one broker, with agents: shared by the <c>migrate check</c> tests.</summary>
public sealed class CheckLabFixture : IAsyncLifetime
{
    private Lab? _lab;

    public Lab Lab => _lab ?? throw new InvalidOperationException("the lab did not come up");

    public async Task InitializeAsync()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        _lab = await LabCluster.UpAsync(await LabTestSpecs.CreateAsync(source: 1, destination: 2, brokers: 1, agents: true, populate: true));
    }

    public async Task DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}

/// <summary>
/// <c>zkmitosis migrate check</c> (the real command) against a live lab: every planted problem at once (exit 1), and
/// on a clean plan the diffs, rules and restart order (exit 0); neither changes a file, a rule or a service.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class MigrateCheckTests(CheckLabFixture fixture, ITestOutputHelper log) : IClassFixture<CheckLabFixture>
{
    private Lab Lab => fixture.Lab;

    [Fact]
    public async Task Check_CleanPlan_ShowsDiffsRulesAndRestartsExitsZeroAndChangesNothing()
    {
        var before = await WorldAsync();

        var outcome = await CheckAsync();

        var after = await WorldAsync();
        Assert.True(outcome.ExitCode == 0, Describe(outcome));
        var output = outcome.StandardOutput;
        Assert.Contains("no problem found", output, StringComparison.Ordinal);
        var source = Lab.Host("zk1");
        foreach (var destination in new[] { Lab.Host("zk2"), Lab.Host("zk3") })
        {
            // join: the observer configuration and myid; elect: the destination's own members.
            Assert.Contains($"+server.{destination.ServerId}={destination.Address}:{destination.QuorumPort}:{destination.ElectionPort}:observer", output, StringComparison.Ordinal);
            Assert.Contains($"-server.{destination.ServerId}={destination.Address}:{destination.QuorumPort}:{destination.ElectionPort}:observer", output, StringComparison.Ordinal);
            Assert.Contains($"join: myid {destination.Layout.MyId}", output, StringComparison.Ordinal);
        }

        Assert.Contains("+peerType=observer", output, StringComparison.Ordinal);
        Assert.Contains($"-server.{source.ServerId}={source.Address}:{source.QuorumPort}:{source.ElectionPort}", output, StringComparison.Ordinal);
        Assert.Contains($"+zookeeper.connect={Lab.Host("zk2").Address}:", output, StringComparison.Ordinal);
        // The cut's rules as the agent's firewall backend renders them, naming the source host.
        Assert.Contains(output.Split('\n'), l => l.Contains(source.Address, StringComparison.Ordinal) && (l.Contains("-A ZKM-cut", StringComparison.Ordinal) || l.Contains("g_cut_", StringComparison.Ordinal)));
        Assert.Contains("Order of restarts:", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("join: start destination server 2", StringComparison.Ordinal) < output.IndexOf("elect: stop every destination server", StringComparison.Ordinal), output);

        AssertSame(before, after);
    }

    [Fact]
    public async Task Check_ProblemsPlantedOnThreeHosts_ReportsAllThreeExitsOneAndChangesNothing()
    {
        var source = Lab.Host("zk1");
        var second = Lab.Host("zk2");
        var third = Lab.Host("zk3");
        var saved = new[] { source.Layout.MyId, second.Layout.ZooCfg, third.Layout.ZooCfg }.ToDictionary(p => p, File.ReadAllBytes);
        try
        {
            await File.WriteAllTextAsync(source.Layout.MyId, "7\n");
            await File.WriteAllTextAsync(second.Layout.ZooCfg, WithLine(await File.ReadAllTextAsync(second.Layout.ZooCfg), "4lw.commands.whitelist", "srvr"));
            await File.WriteAllTextAsync(third.Layout.ZooCfg, WithLine(await File.ReadAllTextAsync(third.Layout.ZooCfg), "maxClientCnxns", "1"));
            var before = await WorldAsync();

            var outcome = await CheckAsync();

            var after = await WorldAsync();
            Assert.True(outcome.ExitCode == 1, Describe(outcome));
            var problems = outcome.StandardOutput.Split('\n').Where(l => l.StartsWith("  - ", StringComparison.Ordinal)).ToList();
            Assert.Contains(problems, p => p.Contains("source server 1's myid is 7", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains($"destination server {second.ServerId} ({second.Address}): 4lw.commands.whitelist is 'srvr', it lacks mntr, cons", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains($"destination server {third.ServerId} ({third.Address}): maxClientCnxns is 1", StringComparison.Ordinal));
            AssertSame(before, after);
        }
        finally
        {
            foreach (var (path, bytes) in saved)
            {
                await File.WriteAllBytesAsync(path, bytes);
            }
        }
    }

    private static string WithLine(string zooCfg, string key, string value) =>
        string.Concat(zooCfg.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l + "\n")) + $"{key}={value}\n";

    private Task<CommandResult> CheckAsync() => MigrateCheckRunner.RunAsync(Lab, log);

    private static string Describe(CommandResult outcome) => $"exit {outcome.ExitCode}\nstdout:\n{outcome.StandardOutput}\nstderr:\n{outcome.StandardError}";

    /// <summary>
    /// Everything the check must not change: the sha256 of every file under each host's etc/ (zoo.cfg, myid's
    /// neighbours, server.properties, agent.json), ZooKeeper data dir and agent state dir; each namespace's firewall
    /// (iptables-save and nft list ruleset); each service's pid. A running source server's txn logs are left out:
    /// the check's own ZooKeeper session (it reads the chroot) is logged there by ZooKeeper as createSession and
    /// closeSession, which is ZooKeeper's bookkeeping of a read, not a change of the migration's.
    /// </summary>
    private async Task<SortedDictionary<string, string>> WorldAsync()
    {
        var world = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var host in Lab.Hosts)
        {
            var layout = host.Layout;
            foreach (var directory in new[] { layout.Etc, layout.ZooKeeperDataDirectory, layout.AgentStateDirectory }.Where(Directory.Exists))
            {
                foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
                {
                    if (host.Role == LabHostRole.Source && Path.GetFileName(file).StartsWith("log.", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    world[file] = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file)));
                }
            }

            world[$"{host.Name} iptables"] = string.Join('\n', (await CommandRunner.RunCheckedAsync("ip", ["netns", "exec", host.Namespace, "iptables-save"])).Split('\n').Where(l => !l.StartsWith('#')));
            world[$"{host.Name} nft"] = await CommandRunner.RunCheckedAsync("ip", ["netns", "exec", host.Namespace, "nft", "list", "ruleset"]);
            world[$"{host.Name} service pid"] = Lab.ServicePid(host.Name).ToString(System.Globalization.CultureInfo.InvariantCulture);
            world[$"{host.Name} agent pid"] = Services.ServiceControl.ReadPid(host, HostLayout.AgentService).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return world;
    }

    private static void AssertSame(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        var changed = before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).ToList();
        var text = new StringBuilder();
        foreach (var key in changed)
        {
            text.Append(key).Append(": ").Append(before.GetValueOrDefault(key) ?? "(absent)").Append(" → ").Append(after.GetValueOrDefault(key) ?? "(absent)").Append('\n');
        }

        Assert.True(changed.Count == 0, "the check changed:\n" + text);
        Assert.Contains(before, e => e.Key.EndsWith("zoo.cfg", StringComparison.Ordinal));
    }
}
