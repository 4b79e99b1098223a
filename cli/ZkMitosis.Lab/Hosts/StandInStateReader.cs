using System.Text.Json;

namespace ZkMitosis.Lab.Hosts;

/// <summary>The fields of a Kafka broker stand-in's (or tenant writer's) state file the lab and tests read.</summary>
public sealed record StandInStateSnapshot(
    bool Registered,
    long? BrokerEpoch,
    string? SessionId,
    int SessionExpiries,
    string? ConnectedServer,
    long LastAcknowledgedSerial,
    bool IsController,
    string? State,
    DateTimeOffset? ProcessStartedAt = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? RegisteredAt = null);

/// <summary>
/// Reads the JSON state file the stand-in writes atomically (temp file + rename). Read loosely by name so the
/// lab does not depend on the stand-in's assembly.
/// </summary>
public static class StandInStateReader
{
    public static StandInStateSnapshot? TryRead(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new StandInStateSnapshot(
                Bool(root, "registered"),
                root.TryGetProperty("brokerEpoch", out var epoch) && epoch.ValueKind == JsonValueKind.Number ? epoch.GetInt64() : null,
                root.TryGetProperty("sessionId", out var session) && session.ValueKind == JsonValueKind.String ? session.GetString() : null,
                root.TryGetProperty("sessionExpiries", out var expiries) && expiries.ValueKind == JsonValueKind.Number ? expiries.GetInt32() : 0,
                root.TryGetProperty("connectedServer", out var server) && server.ValueKind == JsonValueKind.String ? server.GetString() : null,
                root.TryGetProperty("lastAcknowledgedSerial", out var serial) && serial.ValueKind == JsonValueKind.Number ? serial.GetInt64() : 0,
                Bool(root, "isController"),
                root.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.String ? state.GetString() : null,
                Time(root, "processStartedAt"),
                Time(root, "startedAt"),
                Time(root, "registeredAt"));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time : null;

    private static bool Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
