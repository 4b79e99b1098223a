using System.Text.Json;
using System.Text.Json.Serialization;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Lab.Manifest;

/// <summary>
/// The lab's record of everything it made (<c>lab.json</c> in the lab directory). Written before the first
/// namespace is created and rewritten as the lab grows, so <c>lab down</c> after a crash knows what to remove.
/// </summary>
public sealed record LabManifest
{
    public const int CurrentSchemaVersion = 1;
    public const string FileName = "lab.json";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Name { get; init; }

    /// <summary>Every namespace and link of this lab starts with it; <c>lab down</c> also removes by it.</summary>
    public required string Prefix { get; init; }

    public required string Subnet { get; init; }

    public required string Directory { get; init; }

    public required string Bridge { get; init; }

    /// <summary>True for a lab built on IPv6 only (<c>lab up --ipv6</c>); <see cref="Subnet"/> is then its ULA /64.</summary>
    public bool Ipv6 { get; init; }

    /// <summary>True when the hosts are named (<c>lab up --hostnames</c>): configs and the plan carry <see cref="LabHost.DnsName"/>.</summary>
    public bool HostNames { get; init; }

    /// <summary>The lab's hosts file, <c>etc-hosts</c> (every host's address and name), when its hosts are named, else null.</summary>
    [JsonIgnore]
    public string? HostsFilePath => HostNames ? Path.Combine(Directory, "etc-hosts") : null;

    /// <summary>
    /// True for a secured lab (<c>lab up --secure</c>, <see cref="Security.LabSecurity"/>): TLS client ports, quorum TLS,
    /// SASL required of every session, Kafka's SASL ACLs.
    /// </summary>
    public bool Secure { get; init; }

    /// <summary>The root namespace's address on the bridge.</summary>
    public required string RootAddress { get; init; }

    public required string Chroot { get; init; }

    /// <summary>Non-Kafka tenants the lab's plan keeps on the source (<c>moves: false</c>).</summary>
    public IReadOnlyList<string> StayingTenants { get; init; } = [];

    /// <summary>building, up or failed.</summary>
    public string State { get; init; } = "building";

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public IReadOnlyList<LabHost> Hosts { get; init; } = [];

    /// <summary>The ready-to-run migration plan for this lab, once written.</summary>
    public string? PlanPath { get; init; }

    /// <summary>CA certificate agents and the coordinator trust, or null when agents run without TLS.</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>The coordinator's client certificate and key for agent mTLS.</summary>
    public string? CoordinatorCertificatePath { get; init; }

    public string? CoordinatorKeyPath { get; init; }

    /// <summary>True when agents run without TLS (only before the certificate code exists); printed as a warning.</summary>
    public bool AgentsInsecure { get; init; }

    [JsonIgnore]
    public string FilePath => Path.Combine(Directory, FileName);

    /// <summary>The source ensemble's connect string (no chroot).</summary>
    [JsonIgnore]
    public string SourceConnectString => ConnectString(LabHostRole.Source);

    /// <summary>The destination's connect string (no chroot).</summary>
    [JsonIgnore]
    public string DestinationConnectString => ConnectString(LabHostRole.Destination);

    public LabHost Host(string name) =>
        Hosts.FirstOrDefault(h => h.Name == name)
        ?? throw new LabException($"lab '{Name}' has no host '{name}' (hosts: {string.Join(", ", Hosts.Select(h => h.Name))})");

    public IEnumerable<LabHost> HostsWithRole(LabHostRole role) => Hosts.Where(h => h.Role == role);

    /// <summary>The source's connect string as the lab's configs carry it: host names on a named lab, else addresses.</summary>
    [JsonIgnore]
    public string SourceConnectStringAsConfigured => ConnectString(LabHostRole.Source, h => h.ConfigHost);

    /// <summary>
    /// The source's connect string as its tenants (brokers, the other tenant) use it: on the TLS client ports of a
    /// secured lab (<see cref="LabHost.TenantPort"/>), with host names on a named lab.
    /// </summary>
    [JsonIgnore]
    public string SourceTenantConnectString => ConnectString(LabHostRole.Source, h => h.ConfigHost, h => h.TenantPort);

    /// <summary>
    /// The source on the ports its tenants use, by address: what the lab's own tools (the populator) connect to from
    /// outside the lab's private name resolution, where a named lab's host names do not resolve.
    /// </summary>
    [JsonIgnore]
    public string SourceTenantPortsByAddress => ConnectString(LabHostRole.Source, port: h => h.TenantPort);

    /// <summary>The destination's connect string on the ports tenants use (addresses; the TLS ports of a secured lab).</summary>
    [JsonIgnore]
    public string DestinationTenantConnectString => ConnectString(LabHostRole.Destination, port: h => h.TenantPort);

    private string ConnectString(LabHostRole role, Func<LabHost, string>? host = null, Func<LabHost, int>? port = null) =>
        string.Join(',', HostsWithRole(role).Select(h => new HostEndpoint(host?.Invoke(h) ?? h.Address, port?.Invoke(h) ?? h.ClientPort)));

    /// <summary>Writes the manifest atomically (temp file, fsync, rename).</summary>
    public void Save()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temp = FilePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, this, LabJsonContext.Default.LabManifest);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
    }

    /// <summary>Reads <c>lab.json</c> from <paramref name="directory"/>, or null when there is none.</summary>
    public static LabManifest? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, LabJsonContext.Default.LabManifest)
                ?? throw new LabException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new LabException($"{path} is not a lab manifest: {e.Message}", e);
        }
    }

    /// <summary>Reads the manifest or throws naming where it looked.</summary>
    public static LabManifest Load(string directory) =>
        TryLoad(directory) ?? throw new LabException($"no lab at {directory} (no {FileName}); is the name right? (lab up --name NAME)");
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LabManifest))]
internal sealed partial class LabJsonContext : JsonSerializerContext;
