using ZkMitosis.Testing;

namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>
/// One real standalone ZooKeeper server shared by a test class (each test works under its own root znode).
/// TTL nodes are enabled (<c>extendedTypesEnabled</c>); every four-letter word is whitelisted.
/// </summary>
public sealed class StandaloneServerFixture : IAsyncLifetime
{
    private ZooKeeperEnsemble? _ensemble;

    public ZooKeeperEnsemble Ensemble => _ensemble ?? throw new InvalidOperationException("fixture not started");

    public string ConnectString => Ensemble.ConnectString;

    public async Task InitializeAsync()
    {
        _ensemble = await ZooKeeperEnsemble.StartStandaloneAsync(new Dictionary<string, string>
        {
            ["extendedTypesEnabled"] = "true",
            ["jute.maxbuffer"] = "4194304",
        });
    }

    public async Task DisposeAsync()
    {
        if (_ensemble is not null)
        {
            await _ensemble.DisposeAsync();
        }
    }

    /// <summary>A fresh client on this server; dispose it in the test.</summary>
    public Task<ZooKeeperClient> ConnectAsync(string? chroot = null, ZooKeeperClientOptions? options = null) =>
        ZooKeeperClient.ConnectAsync(ConnectString + (chroot ?? ""), options ?? TestOptions.Default);

    /// <summary>A unique root znode for one test, created on the server.</summary>
    public static async Task<string> CreateTestRootAsync(ZooKeeperClient client, string name)
    {
        var path = $"/{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 10, name.Length + 33)];
        await client.CreateAsync(path, ReadOnlyMemory<byte>.Empty);
        return path;
    }
}

/// <summary>Client options sized for a loaded 2-core test machine.</summary>
internal static class TestOptions
{
    public static readonly ZooKeeperClientOptions Default = new()
    {
        SessionTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(30),
    };
}
