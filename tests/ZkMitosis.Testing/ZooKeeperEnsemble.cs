using ZkMitosis.Lab.Servers;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Testing;

/// <summary>
/// Real ZooKeeper servers on 127.0.0.1 for tests: one standalone server or an ensemble. Every process it
/// starts is killed on dispose, even when the test failed.
/// </summary>
public sealed class ZooKeeperEnsemble : IAsyncDisposable
{
    /// <summary>Six JVMs on two cores start slowly; this bounds a whole ensemble's start.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly TestDirectory _directory;

    private ZooKeeperEnsemble(TestDirectory directory, IReadOnlyList<ZooKeeperServerProcess> servers)
    {
        _directory = directory;
        Servers = servers;
    }

    public IReadOnlyList<ZooKeeperServerProcess> Servers { get; }

    /// <summary><c>127.0.0.1:p1,127.0.0.1:p2,…</c> (<c>[::1]:p1,…</c> on IPv6 loopback).</summary>
    public string ConnectString => string.Join(',', Servers.Select(s => new ZkMitosis.ZooKeeper.Connection.HostEndpoint(s.Config.ClientAddress, s.Config.ClientPort)));

    /// <param name="extraOptions">zoo.cfg lines.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <param name="address">The loopback address the server listens on: 127.0.0.1, or ::1.</param>
    public static Task<ZooKeeperEnsemble> StartStandaloneAsync(IReadOnlyDictionary<string, string>? extraOptions = null, CancellationToken cancellationToken = default, string address = "127.0.0.1") =>
        StartAsync(1, extraOptions, cancellationToken, address);

    /// <summary>A standalone server with JVM system properties (e.g. the JAAS file of a SASL server).</summary>
    public static Task<ZooKeeperEnsemble> StartStandaloneAsync(IReadOnlyDictionary<string, string> extraOptions, IReadOnlyDictionary<string, string> systemProperties, CancellationToken cancellationToken = default) =>
        StartAsync(1, extraOptions, cancellationToken, systemProperties: systemProperties);

    /// <param name="size">Servers in the ensemble.</param>
    /// <param name="extraOptions">zoo.cfg lines.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <param name="address">The loopback address the servers listen and meet on: 127.0.0.1, or ::1.</param>
    /// <param name="systemProperties">JVM system properties of every server (-D), or none.</param>
    /// <param name="tlsOnlyClients">Serve clients over TLS only (<see cref="ZooKeeperServerConfig.TlsOnlyClients"/>:
    /// each server's client port is its <c>secureClientPort</c>, asked with these files), or null: a plain client port.</param>
    public static async Task<ZooKeeperEnsemble> StartAsync(int size, IReadOnlyDictionary<string, string>? extraOptions = null, CancellationToken cancellationToken = default, string address = "127.0.0.1", IReadOnlyDictionary<string, string>? systemProperties = null, ZooKeeperTlsOptions? tlsOnlyClients = null)
    {
        ZooKeeperInstallation.EnsureInstalled();
        var directory = new TestDirectory("zk");
        var members = Enumerable.Range(1, size)
            .Select(id => new QuorumMember(id, address, FreePorts.Next(), FreePorts.Next()))
            .ToList();
        var servers = members.Select(m => new ZooKeeperServerProcess(new ZooKeeperServerConfig
        {
            Directory = Path.Combine(directory.Path, $"server{m.ServerId}"),
            ServerId = m.ServerId,
            ClientAddress = address,
            ClientPort = FreePorts.Next(),
            Members = size == 1 ? [] : members,
            ExtraOptions = extraOptions ?? new Dictionary<string, string>(),
            SystemProperties = systemProperties ?? new Dictionary<string, string>(),
            TlsOnlyClients = tlsOnlyClients,
        })).ToList();
        var ensemble = new ZooKeeperEnsemble(directory, servers);
        try
        {
            foreach (var server in servers)
            {
                server.Start();
            }

            await Task.WhenAll(servers.Select(s => s.WaitUntilServingAsync(StartTimeout, cancellationToken))).ConfigureAwait(false);
            return ensemble;
        }
        catch
        {
            await ensemble.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Servers.Select(s => s.KillAsync())).ConfigureAwait(false);
        _directory.Dispose();
    }
}
