using System.Text;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Verification;

/// <summary>One real standalone ZooKeeper holding a Kafka-shaped tree, shared by the inspector's tests.</summary>
public sealed class KafkaTreeFixture : IAsyncLifetime
{
    private ZooKeeperEnsemble _ensemble = null!;
    private ZooKeeperClient _broker = null!;

    public ServerSpec Server { get; private set; } = null!;

    public long BrokerSession => _broker.SessionId;

    public async Task InitializeAsync()
    {
        _ensemble = await ZooKeeperEnsemble.StartStandaloneAsync(new Dictionary<string, string> { ["4lw.commands.whitelist"] = "srvr,mntr,cons" });
        var config = _ensemble.Servers[0].Config;
        Server = new ServerSpec(1, config.ClientAddress, config.ClientPort, 1, 2, "127.0.0.1:1");
        await using (var admin = await ZooKeeperClient.ConnectAsync(_ensemble.ConnectString))
        {
            foreach (var path in new[] { "/kafka", "/kafka/brokers", "/kafka/brokers/ids", "/kafka/brokers/topics" })
            {
                await admin.CreateAsync(path, ReadOnlyMemory<byte>.Empty);
            }

            await admin.CreateAsync("/kafka/controller_epoch", Encoding.UTF8.GetBytes("12"));
            await admin.CreateAsync("/kafka/brokers/topics/t1", Encoding.UTF8.GetBytes("{\"version\":2,\"partitions\":{\"0\":[1,2],\"1\":[2,1]}}"));
            await admin.CreateAsync("/kafka/brokers/topics/t1/partitions", ReadOnlyMemory<byte>.Empty);
            await admin.CreateAsync("/kafka/brokers/topics/t1/partitions/0", ReadOnlyMemory<byte>.Empty);
            await admin.CreateAsync("/kafka/brokers/topics/t1/partitions/0/state", Encoding.UTF8.GetBytes("{\"controller_epoch\":12,\"leader\":1,\"version\":1,\"leader_epoch\":0,\"isr\":[1,2]}"));
            await admin.CreateAsync("/kafka/brokers/topics/t1/partitions/1", ReadOnlyMemory<byte>.Empty);
            await admin.CreateAsync("/kafka/brokers/topics/t1/partitions/1/state", Encoding.UTF8.GetBytes("{\"controller_epoch\":12,\"leader\":2,\"version\":1,\"leader_epoch\":0,\"isr\":[2]}"));
        }

        _broker = await ZooKeeperClient.ConnectAsync(_ensemble.ConnectString + "/kafka");
        await _broker.CreateAsync("/brokers/ids/1", Encoding.UTF8.GetBytes("{}"), CreateMode.Ephemeral);
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _ensemble.DisposeAsync();
    }
}

/// <summary>The inspector against a real standalone ZooKeeper holding a Kafka-shaped tree.</summary>
public sealed class ZooKeeperClusterInspectorTests(KafkaTreeFixture fixture) : IClassFixture<KafkaTreeFixture>
{
    private readonly ServerSpec _server = fixture.Server;

    [Fact]
    public async Task ObserveServerAsync_Standalone_ServingWithZxid()
    {
        var observation = await new ZooKeeperClusterInspector().ObserveServerAsync(_server, default);

        Assert.True(observation.Serving);
        Assert.Equal("standalone", observation.Mode);
        Assert.True(observation.Zxid > 0);
    }

    [Fact]
    public async Task ObserveServerAsync_NothingListening_NotServing()
    {
        var observation = await new ZooKeeperClusterInspector().ObserveServerAsync(_server with { ClientPort = FreePorts.Next() }, default);

        Assert.False(observation.Serving);
        Assert.NotNull(observation.Error);
    }

    [Fact]
    public async Task ReadKafkaStateAsync_KafkaTree_EpochsAndPartitionProblems()
    {
        var state = await new ZooKeeperClusterInspector().ReadKafkaStateAsync([_server], "/kafka", default);

        Assert.Equal(12, state.ControllerEpoch);
        var registration = Assert.Single(state.Brokers).Value;
        Assert.Equal(fixture.BrokerSession, registration.SessionId);
        Assert.Equal(2, state.PartitionCount);
        // Partition 1's leader (2) is not registered; partition 0's ISR is full.
        var problem = Assert.Single(state.Problems);
        Assert.Equal(("t1", 1), (problem.Topic, problem.Partition));
        Assert.False(ClusterQueries.IsKafkaHealthy(state, [1], out _));
    }

    [Fact]
    public async Task SnapshotAsync_Chroot_EveryNodeWithEphemeralsMarked()
    {
        var inspector = new ZooKeeperClusterInspector();
        var snapshot = await inspector.SnapshotAsync([_server], "/kafka", default);

        Assert.Contains("/kafka/brokers/topics/t1/partitions/1/state", snapshot.Nodes.Keys);
        Assert.True(snapshot.Nodes["/kafka/brokers/ids/1"].Ephemeral);
        Assert.Equal(snapshot.Nodes.Count - 1, snapshot.PersistentCount);
        Assert.Empty(ChrootComparison.MissingOnDestination(snapshot, snapshot, long.MaxValue));

        var fewer = new ChrootSnapshot(snapshot.Nodes.Where(n => !n.Key.EndsWith("/state", StringComparison.Ordinal)).ToDictionary(), "x");
        Assert.Equal(2, ChrootComparison.MissingOnDestination(snapshot, fewer, long.MaxValue).Count);
        Assert.Empty(ChrootComparison.MissingOnDestination(snapshot, fewer, 0));
    }
}
