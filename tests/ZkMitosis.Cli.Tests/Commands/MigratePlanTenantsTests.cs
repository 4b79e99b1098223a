using System.Text.Json;
using System.Text.RegularExpressions;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>Issue 14: <c>migrate plan</c> shows every tenant of a plan and its switch steps, in text and JSON.</summary>
public sealed class MigratePlanTenantsTests : IDisposable
{
    private const string Tenants = """
        tenants:
          - name: search
            preset: solr
            chroot: /solr
            hosts: [ { agent: 127.0.0.4:9 } ]
          - name: other
            preset: generic
            chroot: /other
            moves: false
            hosts: [ { agent: 127.0.0.5:9 } ]
            connect: { configId: other, format: yaml, key: zk.connect }
            health: { path: /members }

        """;

    private readonly TestDirectory _directory = new("cli-tenants");

    private string WritePlan()
    {
        var path = Path.Combine(_directory.Path, "plan.yaml");
        File.WriteAllText(path, CliPlans.Valid.Replace("tls:", Tenants + "tls:", StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public async Task MigratePlan_KafkaAndTenants_PrintsEachTenantAndItsSwitchSteps()
    {
        var outcome = await RealCli.RunAsync(["migrate", "plan", WritePlan()]);

        outcome.AssertExit(0);

        // Without colours and with the console's line wrapping undone.
        var text = Regex.Replace(Regex.Replace(outcome.Output, "\u001b\\[[0-9;]*m", ""), "\\s+", " ");
        Assert.Contains("tenant kafka (kafka) /kafka: moves, 1 host(s)", text, StringComparison.Ordinal);
        Assert.Contains("tenant search (solr) /solr: moves, 1 host(s) switched in order; gate: 1 ephemeral node(s) under /solr/live_nodes", text, StringComparison.Ordinal);
        Assert.Contains("tenant other (generic) /other: stays on the source", text, StringComparison.Ordinal);
        Assert.Contains("switch-search-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("switch-other", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigratePlan_Json_ListsTenantsBeforeSteps()
    {
        var outcome = await RealCli.RunAsync(["migrate", "plan", WritePlan(), "--output", "json"]);

        outcome.AssertExit(0);
        using var json = JsonDocument.Parse(outcome.Output);
        Assert.Equal(["kafka", "search", "other"], json.RootElement.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var steps = json.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.True(steps.IndexOf("switch-search-1") == steps.IndexOf("point-of-no-return") - 1, string.Join(", ", steps));
    }

    public void Dispose() => _directory.Dispose();
}
