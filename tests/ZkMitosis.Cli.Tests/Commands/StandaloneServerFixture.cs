using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>One real standalone ZooKeeper server for a test class.</summary>
public sealed class StandaloneServerFixture : IAsyncLifetime
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
