using System.Text.Json;
using Json.Schema;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Reporting;

/// <summary>docs/report.schema.json, the documented shape of report.json, as a validator (JsonSchema.Net, draft 2020-12, formats checked).</summary>
internal static class ReportSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(System.IO.File.ReadAllText(RepositoryRoot.File("docs/report.schema.json"))));

    /// <summary>The problems of <paramref name="json"/> against the schema, one line each ("/hosts/0/spans/2: …"); empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return [];
        }

        var problems = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).ToList();
        return problems.Count > 0 ? problems : ["invalid, with no detail from the validator"];
    }

    /// <summary>Fails with every problem when <paramref name="json"/> does not match the documented schema.</summary>
    public static void AssertValid(string json)
    {
        var problems = Problems(json);
        Assert.True(problems.Count == 0, "report.json does not match docs/report.schema.json:\n" + string.Join('\n', problems));
    }
}
