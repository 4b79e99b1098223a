using ZkMitosis.KafkaStandIn;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Lab.Tests.KafkaStandIn;

[Collection(LabCollection.Name)]
public sealed class KafkaBrokerStandInTests : IClassFixture<StandInLabFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly Lab _lab;

    public KafkaBrokerStandInTests(StandInLabFixture fixture)
    {
        _lab = fixture.Lab;
    }

    [Fact]
    public async Task StandIn_ItsZooKeeperServerKilled_ReconnectsInSameSessionWithoutExpiry()
    {
        var statePath = _lab.Host("kafka1").Layout.StandInState;
        var before = await StandInState.WaitForAsync(statePath, s => s.Registered && s.ConnectedServer is not null);
        var victim = _lab.Hosts.Single(h => before.ConnectedServer == $"{h.Address}:{h.ClientPort}");
        try
        {
            await _lab.KillAsync(victim.Name);

            var after = await StandInState.WaitForAsync(statePath, s => s.ConnectedServer is not null && s.ConnectedServer != before.ConnectedServer && s.LastAcknowledgedSerial > before.LastAcknowledgedSerial + 5);

            Assert.Equal(before.SessionId, after.SessionId);
            Assert.Equal(0, after.SessionExpiries);
            Assert.True(after.Registered);
            Assert.Equal(before.BrokerEpoch, after.BrokerEpoch);
            await using var client = await ZooKeeperClient.ConnectAsync(_lab.SourceConnectString + _lab.Manifest.Chroot);
            var registration = await client.ExistsAsync("/brokers/ids/1");
            Assert.NotNull(registration);
            Assert.Equal(before.BrokerEpoch, registration.Czxid);
            Assert.Equal(Convert.ToInt64(before.SessionId, 16), registration.EphemeralOwner);
        }
        finally
        {
            await _lab.StartAsync(victim.Name);
            await _lab.WaitUntilServingAsync(victim.Name, Timeout);
        }
    }

    [Fact]
    public async Task StandIn_AsController_KeepsPartitionStateCurrentAndWritesAcknowledgedSerials()
    {
        var state = await StandInState.WaitForAsync(_lab.Host("kafka1").Layout.StandInState, s => s.IsController && s.LastAcknowledgedSerial >= 3);
        await using var client = await ZooKeeperClient.ConnectAsync(_lab.SourceConnectString + _lab.Manifest.Chroot);

        var controller = await client.GetDataAsync("/controller");
        Assert.Contains("\"brokerid\":1", System.Text.Encoding.UTF8.GetString(controller.Data), StringComparison.Ordinal);
        Assert.True(int.Parse(System.Text.Encoding.ASCII.GetString((await client.GetDataAsync("/controller_epoch")).Data), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var partitionState = System.Text.Encoding.UTF8.GetString((await client.GetDataAsync("/brokers/topics/topic-0/partitions/0/state")).Data);
        Assert.Contains("\"leader\":1", partitionState, StringComparison.Ordinal);
        Assert.Contains("\"isr\":[1]", partitionState, StringComparison.Ordinal);
        for (var serial = 1L; serial <= state.LastAcknowledgedSerial; serial++)
        {
            Assert.NotNull(await client.ExistsAsync(KafkaBrokerStandIn.WritePathPrefix(1) + serial.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public async Task TenantWriter_Running_EveryAcknowledgedWriteIsOnTheSource()
    {
        var state = await StandInState.WaitForAsync(_lab.Host("tenant").Layout.TenantState, s => s.LastAcknowledgedSerial >= 5);
        await using var client = await ZooKeeperClient.ConnectAsync(_lab.SourceConnectString);

        var children = (await client.GetChildrenAsync("/other/writes")).Children.ToHashSet(StringComparer.Ordinal);

        for (var serial = 1L; serial <= state.LastAcknowledgedSerial; serial++)
        {
            Assert.Contains("w_" + serial.ToString("D10", System.Globalization.CultureInfo.InvariantCulture), children);
        }

        Assert.Equal(0, state.SessionExpiries);
    }
}
