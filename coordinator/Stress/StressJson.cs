using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkMitosis.Coordinator.Stress;

/// <summary>JSON for stress results and verdicts, so <c>stress run</c> can save what <c>stress verify</c> reads.</summary>
public static class StressJson
{
    public static string Serialize(StressResult result) => JsonSerializer.Serialize(result, StressJsonContext.Default.StressResult);

    public static string Serialize(StressVerification verification) => JsonSerializer.Serialize(verification, StressJsonContext.Default.StressVerification);

    /// <exception cref="JsonException">the text is not a stress result.</exception>
    public static StressResult DeserializeResult(string json) =>
        JsonSerializer.Deserialize(json, StressJsonContext.Default.StressResult) ?? throw new JsonException("the stress result file holds 'null'");
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StressResult))]
[JsonSerializable(typeof(StressVerification))]
internal sealed partial class StressJsonContext : JsonSerializerContext;
