using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;
using ZkMitosis.Coordinator.Verification;

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
        foreach (var check in new[] { "other-connect-unchanged", "other-sessions-on-source", "other-data-not-rolled-back" })
        {
            Assert.Contains(harness.Events, e => e.Message.StartsWith($"✓ {check}: ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RunAsync_StayingTenantSessionExpiresAtCut_VerificationFailsNamingItsRegistration()
    {
        using var harness = new EngineHarness(Plan);
        harness.World.TenantSessionsExpireAtCut.Add("10.250.7.41:7443");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains("other-sessions-on-source: 1 registration(s) on the source lost or owned by a new session (a session expired): /other/members/10.250.7.41", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("search-sessions-survived", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StayingTenantSwitchedDuringTheRun_VerificationFailsNamingTheHost()
    {
        using var harness = new EngineHarness(Plan);
        var other = harness.Plan.Tenants.Single(t => t.Name == "other");
        harness.World.OnCut = () => harness.World.TenantHosts["10.250.7.41:7443"].Connect = other.ConnectFor(harness.Plan.Destination);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains($"other-connect-unchanged: 1 host(s) of the staying tenant switched or unreadable: 10.250.7.41:7443: '{other.ConnectFor(harness.Plan.Source)}' became '{other.ConnectFor(harness.Plan.Destination)}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StayingTenantZnodeRolledBackOnTheSource_VerificationFailsWhileItsOwnWritesPass()
    {
        using var harness = new EngineHarness(Plan);
        var tree = new Dictionary<string, ZnodeSummary>
        {
            ["/other"] = new(0, 0x100000001, false, 0),
            ["/other/log"] = new(4, 0x100000040, false, 10),
            ["/other/table"] = new(7, 0x100000050, false, 10),
            ["/other/old"] = new(1, 0x100000020, false, 10),
        };
        harness.World.Trees["/other"] = tree;
        harness.World.OnCut = () =>
        {
            // The tenant's own writes: one znode changed, one deleted, one created; and one znode found older (a lost write).
            tree["/other/log"] = new(5, 0x100000090, false, 10);
            tree.Remove("/other/old");
            tree["/other/new"] = new(0, 0x100000091, false, 10);
            tree["/other/table"] = new(6, 0x100000045, false, 10);
        };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains("other-data-not-rolled-back: 1 znode(s) under /other older than at baseline (writes lost on the source): /other/table (mzxid 0x100000050→0x100000045)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("other-connect-unchanged", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("other-sessions-on-source", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompareTrees_OnlyTheTenantsOwnWrites_PassesWithTheirCounts()
    {
        var tenant = PlanLoader.Load(Plan).Tenants.Single(t => t.Name == "other");
        var before = new ChrootSnapshot(new Dictionary<string, ZnodeSummary> { ["/other"] = new(0, 1, false, 0), ["/other/a"] = new(2, 5, false, 0), ["/other/b"] = new(0, 6, false, 0) }, "");
        var after = new ChrootSnapshot(new Dictionary<string, ZnodeSummary> { ["/other"] = new(0, 1, false, 0), ["/other/a"] = new(0, 9, false, 0), ["/other/c"] = new(0, 10, false, 0) }, "");

        var check = StayingTenants.CompareTrees(tenant, before, after);

        // /other/a deleted and created again by the tenant: a newer mzxid, a lower version, not a rollback.
        Assert.True(check.Passed, check.Detail);
        Assert.Equal("no znode under /other older than at baseline; 3 znodes at baseline: 1 changed, 1 deleted, 1 created since, by the tenant's own sessions (the migration writes nothing on the source)", check.Detail);
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
