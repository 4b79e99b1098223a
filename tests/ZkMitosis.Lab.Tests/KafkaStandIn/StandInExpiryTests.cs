using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Lab.Tests.KafkaStandIn;

[Collection(LabCollection.Name)]
public sealed class StandInExpiryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task StandIn_SessionExpiredByPartition_CountsExpiryAndReRegistersWithNewEpoch()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        // A short session so a partition outlives it quickly; ZooKeeper grants it (minimum 2 ticks = 1 s).
        var spec = await LabTestSpecs.CreateAsync(source: 1, destination: 1, brokers: 1, populate: true) with { BrokerSessionTimeoutMs = 3000 };
        await using var lab = await LabCluster.UpAsync(spec);
        var statePath = lab.Host("kafka1").Layout.StandInState;
        var before = await StandInState.WaitForAsync(statePath, s => s.Registered && s.LastAcknowledgedSerial > 0);

        await lab.PartitionAsync("kafka1", ["zk1"]);
        await using (var observer = await ZooKeeperClient.ConnectAsync(lab.SourceConnectString + lab.Manifest.Chroot))
        {
            // The server expires the session and deletes its registration while the broker cannot reach it.
            var deadline = DateTime.UtcNow + Timeout;
            while (await observer.ExistsAsync("/brokers/ids/1") is not null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the partitioned broker's registration never went away");
                await Task.Delay(200);
            }
        }

        await lab.HealAsync("kafka1");
        var after = await StandInState.WaitForAsync(statePath, s => s.Registered && s.SessionExpiries == 1 && s.SessionId != before.SessionId);

        Assert.NotEqual(before.BrokerEpoch, after.BrokerEpoch);
        await using var client = await ZooKeeperClient.ConnectAsync(lab.SourceConnectString + lab.Manifest.Chroot);
        var registration = await client.ExistsAsync("/brokers/ids/1");
        Assert.NotNull(registration);
        Assert.Equal(after.BrokerEpoch, registration.Czxid);
        var acknowledged = await StandInState.WaitForAsync(statePath, s => s.LastAcknowledgedSerial > after.LastAcknowledgedSerial + 2);
        for (var serial = 1L; serial <= acknowledged.LastAcknowledgedSerial; serial++)
        {
            Assert.NotNull(await client.ExistsAsync(ZkMitosis.KafkaStandIn.KafkaBrokerStandIn.WritePathPrefix(1) + serial.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
