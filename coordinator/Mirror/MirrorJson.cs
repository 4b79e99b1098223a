using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkMitosis.Coordinator.Mirror;

/// <summary>JSON for mirror status lines (<c>zkmitosis mirror --json</c>: one object per line).</summary>
public static class MirrorJson
{
    public static string Serialize(MirrorStatus status) => JsonSerializer.Serialize(status, MirrorJsonContext.Default.MirrorStatus);

    public static MirrorStatus Deserialize(string json) =>
        JsonSerializer.Deserialize(json, MirrorJsonContext.Default.MirrorStatus) ?? throw new JsonException("the mirror status holds 'null'");
}

[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(MirrorStatus))]
internal sealed partial class MirrorJsonContext : JsonSerializerContext;
