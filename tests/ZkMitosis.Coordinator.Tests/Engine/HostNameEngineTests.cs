using System.Net;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>
/// Issue 12 §4: a plan that names its ZooKeeper hosts by DNS name. The cut resolves each name once, the firewall rules
/// get addresses (the agent refuses names), the journal keeps them and the report lists them; a name that resolves to
/// nothing is refused at preflight, before anything is touched.
/// </summary>
public sealed class HostNameEngineTests
{
    private static string Plan()
    {
        var text = SamplePlans.Valid;
        for (var id = 1; id <= 6; id++)
        {
            text = text.Replace($"host: 10.250.7.1{id},", $"host: zk{id}.lab,", StringComparison.Ordinal);
        }

        return text;
    }

    private static EngineHarness Harness(params int[] unknown)
    {
        var harness = new EngineHarness(Plan());
        for (var id = 1; id <= 6; id++)
        {
            if (!unknown.Contains(id))
            {
                harness.World.HostsFile[$"zk{id}.lab"] = [IPAddress.Parse($"10.250.7.1{id}")];
            }
        }

        return harness;
    }

    [Fact]
    public async Task RunAsync_NamedHosts_RulesUseTheAddressesResolvedAtTheCutAndTheReportListsThem()
    {
        using var harness = Harness();
        harness.World.HostsFile["zk1.lab"] = [IPAddress.Parse("fd00::11"), IPAddress.Parse("10.250.7.11")];

        await harness.RunAsync();

        Assert.True(harness.State.Completed);
        Assert.Equal(["10.250.7.14", "10.250.7.15", "10.250.7.16"], harness.World.IsolatedPeers.Keys.Order(StringComparer.Ordinal));
        Assert.All(harness.World.IsolatedPeers.Values, peers => Assert.Equal(["10.250.7.11", "10.250.7.12", "10.250.7.13", "fd00::11"], peers));
        var report = MigrationReport.Build(harness.Plan, FileJournal.ReadAll(harness.JournalPath));
        Assert.Equal(["zk1.lab", "zk2.lab", "zk3.lab", "zk4.lab", "zk5.lab", "zk6.lab"], report.HostAddresses.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["10.250.7.11", "fd00::11"], report.HostAddresses["zk1.lab"]);
        Assert.Contains("zk1.lab → 10.250.7.11, fd00::11", report.ToText(), StringComparison.Ordinal);
        Assert.Contains("\"zk4.lab\"", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NameResolvesToNothing_RefusedAtPreflightNamingItBeforeAnyChange()
    {
        using var harness = Harness(unknown: 2);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains("source server 2: host name 'zk2.lab' resolves to no address on the coordinator", error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.World.Acted);
        Assert.Empty(harness.World.IsolatedPeers);
    }

    /// <summary>The sample plan with its brokers' agents named <c>kafkaN.lab</c>, each in the coordinator's hosts file.</summary>
    private static EngineHarness NamedBrokersHarness()
    {
        var text = SamplePlans.Valid;
        for (var id = 1; id <= 3; id++)
        {
            text = text.Replace($"agent: 10.250.7.2{id}:7443", $"agent: kafka{id}.lab:7443", StringComparison.Ordinal);
        }

        var harness = new EngineHarness(text);
        for (var id = 1; id <= 3; id++)
        {
            harness.World.HostsFile[$"kafka{id}.lab"] = [IPAddress.Parse($"10.250.7.2{id}")];
        }

        return harness;
    }

    [Fact]
    public async Task RunAsync_NamedBrokerCameBackOnTheSource_ConsMatchesItsAddress()
    {
        using var harness = NamedBrokersHarness();
        harness.World.BrokersThatComeBackOnTheSource.Add(2);

        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        // cons prints the broker's address, the plan names it: the wait must still see it.
        Assert.Contains(harness.Events, e => e.Message.Contains("still has Kafka connections: /10.250.7.22:40000", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("isolate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Abort_NamedBrokerStillOnTheDestination_TheDestinationIsNotStopped()
    {
        using var harness = NamedBrokersHarness();
        await Assert.ThrowsAsync<NotConfirmedException>(() => harness.RunAsync(confirm: false));
        harness.World.BrokersThatIgnoreRestart.Add(2);

        await Assert.ThrowsAnyAsync<Exception>(() => harness.AbortAsync());

        Assert.Contains(harness.Events, e => e.Message.Contains("still has tenant connections: /10.250.7.22:40000", StringComparison.Ordinal));
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n => Assert.True(n.Running, $"destination server {n.Spec.Id} was stopped with broker 2 still on it"));
    }

    [Fact]
    public async Task RunAsync_DestinationAgentDoesNotKnowThePlansNameForItsHost_RefusedAtPreflightBeforeAnyChange()
    {
        using var harness = Harness();
        harness.World.AgentAddresses["10.250.7.15"] = ["10.250.7.15", "zk5"];

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains("agent 10.250.7.15:7443: knows its host as 10.250.7.15, zk5, not as 'zk5.lab' (the plan's host for destination server 5)", error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.World.Acted);
    }
}
