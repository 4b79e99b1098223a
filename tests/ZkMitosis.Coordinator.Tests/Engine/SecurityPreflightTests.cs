using System.Runtime.Versioning;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>
/// Preflight reads the source's zoo.cfg and refuses what the running source needs and the plan does not give:
/// one line per server and cause.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SecurityPreflightTests : IDisposable
{
    private readonly SecurePlanFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static MigrationPlan Plain => PlanLoader.Load(SamplePlans.Valid);

    [Theory]
    [InlineData("sslQuorum=true\n", "runs sslQuorum=true (quorum TLS), and destination server(s) 4, 5, 6 have no hostSecurity.quorumTls")]
    [InlineData("quorum.auth.enableSasl=TRUE\n", "runs quorum.auth.enableSasl=true (quorum SASL), and destination server(s) 4, 5, 6 have no hostSecurity.jaas")]
    [InlineData("sessionRequireClientSASLAuth=true\n", "requires SASL of every session, and the plan gives source.security.clientAuth no sasl credentials")]
    [InlineData("requireClientAuthScheme=sasl\n", "requires SASL of every session")]
    [InlineData("secureClientPort=2182\n", "serves TLS clients on secureClientPort=2182, and the plan gives it no secureClientPort")]
    public void A_source_setting_the_plan_cannot_carry_is_refused_in_one_line(string setting, string expected)
    {
        var refusals = SecurityPreflight.Refusals(Plain, Plain.Source[1], "dataDir=/d\nclientPort=2181\n" + setting).ToList();

        var refusal = Assert.Single(refusals);
        Assert.StartsWith("source server 2 ", refusal, StringComparison.Ordinal);
        Assert.Contains(expected, refusal, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refusal);
    }

    [Fact]
    public void A_source_serving_TLS_clients_only_needs_a_CA_in_the_plan()
    {
        var refusals = SecurityPreflight.Refusals(Plain, Plain.Source[0], "dataDir=/d\nsecureClientPort=2182\n").ToList();

        Assert.Contains(refusals, r => r.Contains("serves clients over TLS only (secureClientPort=2182, no clientPort), and the plan gives source.security.clientTls no CA", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secure_port_other_than_the_plans_is_refused()
    {
        var plan = PlanLoader.Load(_files.Plan);

        var refusal = Assert.Single(SecurityPreflight.Refusals(plan, plan.Source[0], "clientPort=2181\nsecureClientPort=2281\n"));

        Assert.Contains("has secureClientPort=2281 in zoo.cfg, the plan says 2182", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_that_carries_every_setting_of_the_source_passes()
    {
        var plan = PlanLoader.Load(_files.Plan);
        const string zooCfg = "clientPort=2181\nsecureClientPort=2182\nsslQuorum=true\nquorum.auth.enableSasl=true\nsessionRequireClientSASLAuth=true\n";

        Assert.Empty(SecurityPreflight.Refusals(plan, plan.Source[0], zooCfg));
    }

    [Fact]
    public async Task Preflight_refuses_a_source_with_quorum_TLS_the_plan_does_not_carry_and_changes_nothing()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.Nodes[1].Config = "sslQuorum=true\n" + harness.World.Nodes[1].Config;

        var error = await Assert.ThrowsAsync<PreflightFailedException>(() => harness.RunAsync());

        var problem = Assert.Single(error.Problems);
        Assert.Contains("source server 1 runs sslQuorum=true", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("write-config", StringComparison.Ordinal) || c.StartsWith("lease", StringComparison.Ordinal));
    }
}
