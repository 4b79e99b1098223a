using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkMitosis.Coordinator.Smoketest;

/// <summary>JSON for smoketest reports (<c>--json</c>).</summary>
public static class SmoketestJson
{
    public static string Serialize(SmoketestReport report) => JsonSerializer.Serialize(report, SmoketestJsonContext.Default.SmoketestReport);

    public static SmoketestReport Deserialize(string json) =>
        JsonSerializer.Deserialize(json, SmoketestJsonContext.Default.SmoketestReport) ?? throw new JsonException("the smoketest report holds 'null'");
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SmoketestReport))]
internal sealed partial class SmoketestJsonContext : JsonSerializerContext;
