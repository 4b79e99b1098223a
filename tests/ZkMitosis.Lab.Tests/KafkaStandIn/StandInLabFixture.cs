namespace ZkMitosis.Lab.Tests.KafkaStandIn;

/// <summary>Three source servers (a quorum survives one kill), one destination, one broker stand-in, the other tenant.</summary>
public sealed class StandInLabFixture : IAsyncLifetime
{
    private Lab? _lab;

    public Lab Lab => _lab ?? throw new InvalidOperationException("the lab did not come up");

    public async Task InitializeAsync()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        _lab = await LabCluster.UpAsync(await LabTestSpecs.CreateAsync(source: 3, destination: 1, brokers: 1, populate: true));
    }

    public async Task DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}
