using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>JSON for copy summaries and diff results (<c>--json</c>).</summary>
public static class CopyJson
{
    public static string Serialize(CopySummary summary) => JsonSerializer.Serialize(summary, CopyJsonContext.Default.CopySummary);

    public static string Serialize(DiffResult result) => JsonSerializer.Serialize(result, CopyJsonContext.Default.DiffResult);

    public static CopySummary DeserializeSummary(string json) =>
        JsonSerializer.Deserialize(json, CopyJsonContext.Default.CopySummary) ?? throw new JsonException("the copy summary holds 'null'");

    public static DiffResult DeserializeDiff(string json) =>
        JsonSerializer.Deserialize(json, CopyJsonContext.Default.DiffResult) ?? throw new JsonException("the diff result holds 'null'");
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CopySummary))]
[JsonSerializable(typeof(DiffResult))]
internal sealed partial class CopyJsonContext : JsonSerializerContext;
