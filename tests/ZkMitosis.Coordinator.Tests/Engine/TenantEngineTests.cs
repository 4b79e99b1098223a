using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>
/// Issue 14 through the engine: Kafka plus a Solr-like tenant moved and another tenant staying. The switch and the
/// health gate go through the tenant model; "did not notice" follows the owners of the tenant's registrations.
/// </summary>
public sealed class TenantEngineTests
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
    public async Task RunAsync_KafkaAndSolrMovedOtherStays_EveryMovedHostSwitchedBeforeTheCutAndTheOtherUntouched()
    {
        using var harness = new EngineHarness(Plan);
        var world = harness.World;

        await harness.RunAsync();

        Assert.True(harness.State.Completed);
        var solr = harness.Plan.Tenants.Single(t => t.Name == "search");
        Assert.All(world.TenantHosts.Values.Where(h => h.Tenant.Name == "search"), h =>
        {
            Assert.Equal(solr.ConnectFor(harness.Plan.Destination), h.Connect);
            Assert.Equal(1, h.Restarts);
        });
        var other = world.TenantHosts["10.250.7.41:7443"];
        Assert.Equal(0, other.Restarts);
        Assert.Equal(harness.Plan.Tenants.Single(t => t.Name == "other").ConnectFor(harness.Plan.Source), other.Connect);
        Assert.DoesNotContain(world.Calls, c => c.Contains("10.250.7.41", StringComparison.Ordinal));

        // Each tenant in its own order, every switch before the cut.
        var switches = world.Calls.Where(c => c.StartsWith("set-connect", StringComparison.Ordinal)).ToList();
        Assert.Equal(["set-connect 10.250.7.21", "set-connect 10.250.7.22", "set-connect 10.250.7.23", "set-connect 10.250.7.31", "set-connect 10.250.7.32"], switches);
        Assert.True(world.Calls.IndexOf("set-connect 10.250.7.32") < world.Calls.FindIndex(c => c.StartsWith("isolate", StringComparison.Ordinal)));
        Assert.Contains(harness.Events, e => e.Message.Contains("search-sessions-survived", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SolrHostNeverRegistersAgain_StopsAtItsSwitchBeforeThePointOfNoReturn()
    {
        using var harness = new EngineHarness(Plan);
        harness.World.TenantHostsThatStayDown.Add("10.250.7.32:7443");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains("2 ephemeral node(s) under /solr/live_nodes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("isolate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SolrSessionExpiresAtTheCut_VerificationFailsNamingTheRegistration()
    {
        using var harness = new EngineHarness(Plan);
        harness.World.TenantSessionsExpireAtCut.Add("10.250.7.31:7443");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains("search-sessions-survived", error.Message, StringComparison.Ordinal);
        Assert.Contains("/solr/live_nodes/10.250.7.31", error.Message, StringComparison.Ordinal);
    }
}
