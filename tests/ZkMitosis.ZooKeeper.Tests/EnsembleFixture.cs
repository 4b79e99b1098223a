using ZkMitosis.Testing;

namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>
/// A real 3-node ZooKeeper ensemble shared by a test class. Tests that kill a node start it again before
/// they end (<see cref="RestoreAsync"/>), so the next test finds three serving nodes.
/// </summary>
public sealed class EnsembleFixture : IAsyncLifetime
{
    private ZooKeeperEnsemble? _ensemble;

    public ZooKeeperEnsemble Ensemble => _ensemble ?? throw new InvalidOperationException("fixture not started");

    public string ConnectString => Ensemble.ConnectString;

    public async Task InitializeAsync()
    {
        _ensemble = await ZooKeeperEnsemble.StartAsync(3, new Dictionary<string, string>
        {
            ["reconfigEnabled"] = "true",
            ["skipACL"] = "yes",
        });
    }

    public async Task DisposeAsync()
    {
        if (_ensemble is not null)
        {
            await _ensemble.DisposeAsync();
        }
    }

    public string ConnectStringOf(int index) => $"{Ensemble.Servers[index].Config.ClientAddress}:{Ensemble.Servers[index].Config.ClientPort}";

    public int IndexOf(string? server) => Enumerable.Range(0, Ensemble.Servers.Count).Single(i => ConnectStringOf(i) == server);

    /// <summary>Starts every stopped node again and waits until all serve.</summary>
    public async Task RestoreAsync()
    {
        foreach (var node in Ensemble.Servers.Where(s => !s.IsRunning))
        {
            node.Start();
        }

        await Task.WhenAll(Ensemble.Servers.Select(s => s.WaitUntilServingAsync(ZooKeeperEnsemble.StartTimeout)));
    }
}
