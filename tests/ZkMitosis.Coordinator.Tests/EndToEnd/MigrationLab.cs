using System.Globalization;
using System.Net.NetworkInformation;
using System.Text.Json;
using ZkMitosis.Lab;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Servers;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// One lab (by default 3 source, 3 destination, 3 broker stand-ins, the other tenant) for one migration test, in our own
/// namespace prefix and a random /24 of 10.250.0.0/16; always torn down.
/// </summary>
internal sealed class MigrationLab : IAsyncDisposable
{
    private readonly TestDirectory _directory;

    private MigrationLab(Lab.Lab lab, TestDirectory directory)
    {
        Lab = lab;
        _directory = directory;
        StateRoot = Path.Combine(directory.Path, "state");
    }

    public Lab.Lab Lab { get; }

    public string StateRoot { get; }

    public string PlanText => File.ReadAllText(Lab.PlanPath!);

    public IEnumerable<LabHost> Brokers => Lab.Hosts.Where(h => h.Role == LabHostRole.Broker);

    /// <summary>Builds the lab.</summary>
    /// <param name="zookeeperOptions">Extra zoo.cfg lines for every ZooKeeper host.</param>
    /// <param name="brokers">The broker stand-ins.</param>
    /// <param name="racks">Racks the stand-ins are spread over (0: no broker.rack).</param>
    /// <param name="ipv6">Build the lab on IPv6 only (<see cref="LabSpec.Ipv6"/>).</param>
    /// <param name="tenants">Non-Kafka tenants (<see cref="LabSpec.TenantProducts"/>), each on <paramref name="tenantHosts"/> hosts.</param>
    /// <param name="staying">Of <paramref name="tenants"/>, those the plan keeps on the source.</param>
    /// <param name="tenantHosts">Hosts of each non-Kafka tenant.</param>
    /// <param name="source">Source ensemble size.</param>
    /// <param name="destination">Destination size.</param>
    /// <param name="partitionsPerTopic">Partitions of each of the 3 populated topics (replication 3, on consecutive brokers).</param>
    /// <param name="hostNames">Name every host (<see cref="LabSpec.HostNames"/>): the plan and configs carry names.</param>
    /// <param name="secure">Secured ensembles (<see cref="LabSpec.Secure"/>): TLS, SASL required, Kafka's SASL ACLs.</param>
    public static async Task<MigrationLab> UpAsync(
        IReadOnlyDictionary<string, string>? zookeeperOptions = null, int brokers = 3, int racks = 0, bool ipv6 = false,
        IReadOnlyList<string>? tenants = null, IReadOnlyList<string>? staying = null, int tenantHosts = 2, int source = 3, int destination = 3,
        int partitionsPerTopic = 4, bool hostNames = false, bool secure = false)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("the migration tests build labs of network namespaces: run them as root (sudo ./zkm test)");
        }

        ZooKeeperInstallation.EnsureInstalled();
        var directory = new TestDirectory("zkct");
        var suffix = Guid.NewGuid().ToString("N")[..4];
        var spec = new LabSpec
        {
            Name = "ct" + suffix,
            Prefix = $"zkct-{suffix}-",
            Subnet = FreeSubnet(),
            Directory = Path.Combine(directory.Path, "lab"),
            ZooKeeperOptions = zookeeperOptions ?? new Dictionary<string, string>(),
            Brokers = brokers,
            Racks = racks,
            Ipv6 = ipv6,
            TenantProducts = tenants ?? [],
            StayingTenants = staying ?? [],
            TenantProductHosts = tenantHosts,
            Source = source,
            Destination = destination,
            PartitionsPerTopic = partitionsPerTopic,
            HostNames = hostNames,
            Secure = secure,
        };
        try
        {
            var lab = await LabCluster.UpAsync(spec);
            return new MigrationLab(lab, directory);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>The lab plan with the strategy (and anything else) replaced.</summary>
    public string Plan(string strategy = "observer") =>
        PlanText.Replace("strategy: observer", $"strategy: {strategy}", StringComparison.Ordinal);

    /// <summary>A stand-in's (or the tenant writer's) state file, as JSON.</summary>
    public static JsonElement ReadState(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.Clone();

    /// <summary>Every serial 1..last the writer recorded as acknowledged, missing on <paramref name="connect"/> (read with <paramref name="security"/>).</summary>
    public static async Task<IReadOnlyList<string>> MissingAcknowledgedAsync(string connect, string prefix, long last, ZooKeeperSecurity? security = null)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(connect, new ZooKeeperClientOptions { Tls = security?.Tls, Sasl = security?.Sasl });
        var missing = new List<string>();
        for (long start = 1; start <= last; start += 500)
        {
            var paths = Enumerable.Range(0, (int)Math.Min(500, last - start + 1)).Select(i => prefix + (start + i).ToString("D10", CultureInfo.InvariantCulture)).ToList();
            var stats = await Task.WhenAll(paths.Select(p => client.ExistsAsync(p)));
            missing.AddRange(paths.Where((_, i) => stats[i] is null));
        }

        return missing;
    }

    /// <summary>Every acknowledged write of every broker stand-in is on the destination (read with <paramref name="security"/>); no stand-in saw an expiry.</summary>
    public async Task AssertStandInsWholeAsync(string destinationConnect, ZooKeeperSecurity? security = null)
    {
        foreach (var broker in Brokers)
        {
            var state = ReadState(broker.Layout.StandInState);
            var last = state.GetProperty("lastAcknowledgedSerial").GetInt64();
            Assert.True(last > 0, $"{broker.Name} acknowledged nothing");
            Assert.Equal(0, state.GetProperty("sessionExpiries").GetInt32());
            var missing = await MissingAcknowledgedAsync(destinationConnect, state.GetProperty("writePathPrefix").GetString()!, last, security);
            Assert.True(missing.Count == 0, $"{broker.Name}: {missing.Count} acknowledged writes missing on the destination, first {string.Join(", ", missing.Take(5))}");
        }
    }

    /// <summary>The other tenant on the source lost no acknowledged write and no session (read with <paramref name="security"/>).</summary>
    public async Task AssertOtherTenantWholeAsync(ZooKeeperSecurity? security = null)
    {
        var tenant = Lab.Hosts.Single(h => h.Role == LabHostRole.Tenant);
        var state = ReadState(tenant.Layout.TenantState);
        var connect = state.GetProperty("connectString").GetString()!;
        var last = state.GetProperty("lastAcknowledgedSerial").GetInt64();
        Assert.True(last > 0, "the other tenant acknowledged nothing");
        Assert.Equal(0, state.GetProperty("sessionExpiries").GetInt32());
        var missing = await MissingAcknowledgedAsync(connect, state.GetProperty("writePathPrefix").GetString()!, last, security);
        Assert.Empty(missing);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Lab.DisposeAsync();
        }
        finally
        {
            _directory.Dispose();
        }
    }

    private static string FreeSubnet()
    {
        var used = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address.ToString())
            .Where(a => a.StartsWith("10.250.", StringComparison.Ordinal))
            .Select(a => int.Parse(a.Split('.')[2], CultureInfo.InvariantCulture))
            .ToHashSet();
        var candidates = Enumerable.Range(1, 254).Where(n => !used.Contains(n)).ToList();
        return $"10.250.{candidates[Random.Shared.Next(candidates.Count)]}.0/24";
    }
}
