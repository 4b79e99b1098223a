using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Reporting;

/// <summary>docs/report.schema.json against reports the code writes, and docs/report.md against the schema (the whole-lab report is checked in MigrationLabTests).</summary>
public sealed class ReportSchemaTests
{
    [Fact]
    public async Task Schema_ReportOfACompletedRun_ValidWithItsVersion()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        await harness.RunAsync();
        var report = MigrationReport.Build(harness.Plan, FileJournal.ReadAll(harness.JournalPath), new WorkloadSummary(10, 0, 0, 120) { LongestGapEndedAt = DateTimeOffset.UtcNow });

        var json = report.ToJson();

        ReportSchema.AssertValid(json);
        Assert.Equal(MigrationReport.CurrentSchemaVersion, JsonNode.Parse(json)!["schemaVersion"]!.GetValue<int>());
    }

    [Fact]
    public void Schema_FieldNotDocumented_Refused()
    {
        var json = JsonNode.Parse(new MigrationReport { PlanId = "p", Strategy = "observer", Status = "completed", Timeline = [] }.ToJson())!.AsObject();
        json["surprise"] = 1;

        Assert.NotEmpty(ReportSchema.Problems(json.ToJsonString()));
    }

    /// <summary>Every field the schema allows is described in docs/report.md (as <c>`name`</c>).</summary>
    [Fact]
    public void Docs_EverySchemaField_DescribedInReportMd()
    {
        var schema = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("docs/report.schema.json")))!;
        var docs = File.ReadAllText(RepositoryRoot.File("docs/report.md"));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        void Collect(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                if (obj["properties"] is JsonObject properties)
                {
                    names.UnionWith(properties.Select(p => p.Key));
                }

                foreach (var child in obj)
                {
                    Collect(child.Value);
                }
            }
        }

        Collect(schema);

        Assert.True(names.Count > 40, $"only {names.Count} fields found in the schema");
        var missing = names.Where(n => !docs.Contains($"`{n}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "fields of docs/report.schema.json not described in docs/report.md: " + string.Join(", ", missing));
    }
}
