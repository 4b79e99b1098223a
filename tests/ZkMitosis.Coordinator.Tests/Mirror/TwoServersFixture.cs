using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Mirror;

/// <summary>Two real standalone ZooKeeper 3.8 servers: the mirror's source and its target.</summary>
public sealed class TwoServersFixture : IAsyncLifetime
{
    private ZooKeeperEnsemble? _source;
    private ZooKeeperEnsemble? _target;

    public string Source => (_source ?? throw new InvalidOperationException("not started")).ConnectString;

    public string Target => (_target ?? throw new InvalidOperationException("not started")).ConnectString;

    public async Task InitializeAsync()
    {
        _source = await ZooKeeperEnsemble.StartStandaloneAsync();
        _target = await ZooKeeperEnsemble.StartStandaloneAsync();
    }

    public async Task DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }
}
