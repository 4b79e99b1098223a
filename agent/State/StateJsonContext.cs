using System.Text.Json.Serialization;

namespace ZkMitosis.Agent.State;

/// <summary>Source-generated JSON for the state files (no reflection: trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OperationRecord))]
[JsonSerializable(typeof(LeaseRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
