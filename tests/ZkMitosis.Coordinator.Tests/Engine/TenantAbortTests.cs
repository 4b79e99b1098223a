using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>
/// <c>migrate abort</c> through the tenant model: every moved tenant's hosts go back to the source (not only Kafka's
/// brokers), a host whose file already names the source after an interrupted abort is still restarted before the
/// destination is touched, and a tenant that stays is never called.
/// </summary>
public sealed class TenantAbortTests
{
    private const string Tenants = """
        tenants:
          - name: search
            preset: solr
            chroot: /solr
            hosts:
              - { agent: 10.250.7.31:7443 }
              - { agent: 10.250.7.32:7443 }
          - name: other
            preset: generic
            chroot: /other
            moves: false
            hosts: [ { agent: 10.250.7.41:7443 } ]
            connect: { configId: other, format: properties, key: zk.connect }
            health: { path: /members }

        """;

    private static string Plan => SamplePlans.Valid.Replace("tls:", Tenants + "tls:", StringComparison.Ordinal);

    [Fact]
    public async Task Abort_SolrHostsSwitched_BackOnTheSourceAndRestartedBeforeTheDestinationStops()
    {
        using var harness = new EngineHarness(Plan);
        await Assert.ThrowsAsync<NotConfirmedException>(() => harness.RunAsync(confirm: false));
        var solr = harness.Plan.Tenants.Single(t => t.Name == "search");
        var hosts = harness.World.TenantHosts.Values.Where(h => h.Tenant.Name == "search").ToList();
        Assert.All(hosts, h => Assert.Equal(solr.ConnectFor(harness.Plan.Destination), h.LoadedConnect));

        await harness.AbortAsync();

        Assert.True(harness.State.Aborted);
        Assert.Empty(harness.World.Violations);
        Assert.All(hosts, h =>
        {
            Assert.Equal(solr.ConnectFor(harness.Plan.Source), h.Connect);
            Assert.Equal(solr.ConnectFor(harness.Plan.Source), h.LoadedConnect);
            Assert.Equal(2, h.Restarts);
        });
        var calls = harness.World.Calls;
        var firstDestinationStop = calls.FindIndex(c => c.StartsWith("stop 10.250.7.1", StringComparison.Ordinal));
        Assert.True(firstDestinationStop > calls.LastIndexOf("restart 10.250.7.32"), string.Join("\n", calls));
        Assert.DoesNotContain(calls, c => c.Contains("10.250.7.41", StringComparison.Ordinal));
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n => Assert.True(n.DataEmpty && !n.Running));
        Assert.Empty(harness.World.Leases);
    }

    [Fact]
    public async Task Abort_KilledBetweenASolrHostsRestoredWriteAndItsRestart_RunAgainRestartsItBeforeEmptyingTheDestination()
    {
        using var harness = new EngineHarness(Plan);
        await Assert.ThrowsAsync<NotConfirmedException>(() => harness.RunAsync(confirm: false));
        var solr = harness.Plan.Tenants.Single(t => t.Name == "search");
        var second = harness.World.TenantHosts["10.250.7.32:7443"];
        // The abort dies after the second Solr host's file names the source again, before its restart.
        harness.World.FailOnce.Add("restart 10.250.7.32");
        await Assert.ThrowsAnyAsync<Exception>(() => harness.AbortAsync());
        Assert.Equal(solr.ConnectFor(harness.Plan.Source), second.Connect);
        Assert.Equal(solr.ConnectFor(harness.Plan.Destination), second.LoadedConnect);
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n => Assert.True(n.Running));
        var before = harness.World.Calls.Count;

        await harness.AbortAsync();

        Assert.True(harness.State.Aborted);
        Assert.Empty(harness.World.Violations);
        Assert.Equal(solr.ConnectFor(harness.Plan.Source), second.LoadedConnect);
        var again = harness.World.Calls.Skip(before).ToList();
        Assert.Contains("restart 10.250.7.32", again);
        Assert.True(again.IndexOf("restart 10.250.7.32") < again.FindIndex(c => c.StartsWith("stop 10.250.7.1", StringComparison.Ordinal)), string.Join("\n", again));
        // Hosts already restored and restarted by the first abort are not restarted again.
        Assert.DoesNotContain("restart 10.250.7.31", again);
        Assert.All(harness.World.Nodes.Values.Where(n => !n.IsSource), n => Assert.True(n.DataEmpty && !n.Running));

        // Aborting an aborted plan changes nothing.
        var settled = harness.World.Calls.Count;
        await harness.AbortAsync();
        Assert.Equal(settled, harness.World.Calls.Count);
    }
}
