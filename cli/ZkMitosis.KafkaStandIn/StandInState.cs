using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// What the Kafka broker stand-in (or the lab's other-tenant writer) exposes for tests and the coordinator's
/// verification: its session, expiries (a migration must cause none), broker epoch, controller role and the
/// serial numbers ZooKeeper acknowledged. Written to a JSON file atomically; cumulative across restarts.
/// </summary>
public sealed record StandInState
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>"kafka-broker-stand-in", "tenant-writer", or a tenant-host stand-in's kind ("solr-node-stand-in", …).</summary>
    public string Kind { get; init; } = "kafka-broker-stand-in";

    public int? BrokerId { get; init; }

    public int Pid { get; init; }

    /// <summary>When this run reached its own code (after the runtime started and loaded it).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the kernel started this run's process (from /proc): with <see cref="StartedAt"/>, the runtime's share of a start.</summary>
    public DateTimeOffset? ProcessStartedAt { get; init; }

    /// <summary>
    /// When this run first registered <c>/brokers/ids/&lt;id&gt;</c>, or null before: with <see cref="ProcessStartedAt"/>,
    /// how long a restart keeps the broker away (what a switch batch waits for).
    /// </summary>
    public DateTimeOffset? RegisteredAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>hosts + chroot the process was started with (a broker changes it only by a restart, as Kafka).</summary>
    public string ConnectString { get; init; } = string.Empty;

    /// <summary>Connected, Disconnected, Expired, Closed… from the client; "stopped" after a clean exit.</summary>
    public string State { get; init; } = "starting";

    /// <summary>Current session id as 0x-hex, or null before the first session.</summary>
    public string? SessionId { get; init; }

    /// <summary>"host:port" of the ZooKeeper server the session is on, or null while disconnected.</summary>
    public string? ConnectedServer { get; init; }

    public int NegotiatedSessionTimeoutMs { get; init; }

    /// <summary>Sessions lost to expiry, over every run of the process on this host.</summary>
    public int SessionExpiries { get; init; }

    /// <summary>Connection losses the session survived (reconnects), over every run.</summary>
    public int Disconnects { get; init; }

    /// <summary>Sessions established, over every run (restarts and expiries each add one).</summary>
    public int Sessions { get; init; }

    /// <summary>True while <c>/brokers/ids/&lt;id&gt;</c> is registered by the current session.</summary>
    public bool Registered { get; init; }

    /// <summary>The czxid of the current registration: Kafka's broker epoch.</summary>
    public long? BrokerEpoch { get; init; }

    /// <summary>A tenant-host stand-in's ephemeral registration, under its chroot (<c>/live_nodes/…</c>); null for the others.</summary>
    public string? RegistrationPath { get; init; }

    public bool IsController { get; init; }

    /// <summary>The controller epoch this broker last won, or null.</summary>
    public int? ControllerEpoch { get; init; }

    /// <summary>Where the serial-numbered writes go (a znode path prefix, under the chroot).</summary>
    public string WritePathPrefix { get; init; } = string.Empty;

    /// <summary>Every serial from 1 to this one was acknowledged by ZooKeeper (writes are one at a time, in order).</summary>
    public long LastAcknowledgedSerial { get; init; }

    /// <summary>The longest time between two acknowledged writes, in milliseconds: the availability gap this client saw.</summary>
    public long LongestAckGapMs { get; init; }

    public string? LastError { get; init; }

    /// <summary>Reads a state file, or null when there is none (first start) or it is unreadable.</summary>
    public static StandInState? TryLoad(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), StandInJsonContext.Default.StandInState);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes atomically: a reader sees the old file or the new one, never half of one.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(this, StandInJsonContext.Default.StandInState));
        File.Move(temp, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StandInState))]
internal sealed partial class StandInJsonContext : JsonSerializerContext;
