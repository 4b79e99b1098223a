using Xunit;

namespace ZkMitosis.Testing;

/// <summary>One real standalone ZooKeeper server shared by a test class (an xUnit class fixture); each test works under its own path.</summary>
public sealed class StandaloneZooKeeperFixture : IAsyncLifetime
{
    private ZooKeeperEnsemble? _server;

    public string ConnectString => (_server ?? throw new InvalidOperationException("the server is not started")).ConnectString;

    public async Task InitializeAsync() => _server = await ZooKeeperEnsemble.StartStandaloneAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
