namespace ZkMitosis.Lab.Tests;

/// <summary>One source and one destination host, no agents: shared by the fault-injection tests of a class.</summary>
public sealed class SmallLabFixture : IAsyncLifetime
{
    private Lab? _lab;

    public Lab Lab => _lab ?? throw new InvalidOperationException("the lab did not come up");

    public async Task InitializeAsync()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        _lab = await LabCluster.UpAsync(await LabTestSpecs.CreateAsync(source: 1, destination: 1));
    }

    public async Task DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}
