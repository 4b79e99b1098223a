using System.Text;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Switch;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Switch;

/// <summary>
/// The topology the batch planner reads, from a real ZooKeeper holding znodes in the JSON Kafka 2.x/3.x writes in
/// ZooKeeper mode (registrations with and without <c>rack</c>, assignments, states, topic configs), plus malformed
/// ones that must read as the least safe value instead of failing.
/// </summary>
public sealed class KafkaTopologyReaderTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly Dictionary<string, string> Tree = new(StringComparer.Ordinal)
    {
        ["/brokers"] = "",
        ["/brokers/ids"] = "",
        ["/brokers/ids/1"] = """{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://h1:9092"],"rack":"eu-1a","jmx_port":-1,"features":{},"host":"h1","timestamp":"1700000000000","port":9092,"version":5}""",
        ["/brokers/ids/2"] = """{"endpoints":["PLAINTEXT://h2:9092"],"jmx_port":-1,"host":"h2","timestamp":"1700000000000","port":9092,"version":4}""",
        ["/brokers/ids/3"] = """{"endpoints":["PLAINTEXT://h3:9092"],"rack":null,"host":"h3","port":9092,"version":5}""",
        ["/brokers/ids/4"] = "not json",
        ["/brokers/ids/seq"] = """{"rack":"x"}""",
        ["/brokers/topics"] = "",
        ["/brokers/topics/orders"] = """{"partitions":{"1":[2,3,1],"0":[1,2,3]},"adding_replicas":{},"removing_replicas":{},"version":3}""",
        ["/brokers/topics/orders/partitions"] = "",
        ["/brokers/topics/orders/partitions/0"] = "",
        ["/brokers/topics/orders/partitions/0/state"] = """{"controller_epoch":7,"leader":1,"version":1,"leader_epoch":4,"isr":[1,2,3]}""",
        ["/brokers/topics/orders/partitions/1"] = "",
        ["/brokers/topics/orders/partitions/1/state"] = """{"controller_epoch":7,"leader":-1,"version":1,"leader_epoch":5,"isr":[]}""",
        ["/brokers/topics/logs"] = """{"version":2,"partitions":{"0":[3,1]}}""",
        ["/brokers/topics/broken"] = "{not json",
        ["/config"] = "",
        ["/config/topics"] = "",
        ["/config/topics/orders"] = """{"version":1,"config":{"min.insync.replicas":"2","retention.ms":"86400000"}}""",
        ["/config/topics/logs"] = """{"version":1,"config":{"min.insync.replicas":"two"}}""",
    };

    [Fact]
    public async Task ReadKafkaTopology_KafkaShapedTree_RacksAssignmentsStatesAndTopicMinimums()
    {
        var chroot = $"/kt{Guid.NewGuid():N}";
        var epochs = new Dictionary<int, long>();
        await using (var admin = await ZooKeeperClient.ConnectAsync(server.ConnectString))
        {
            await admin.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty);
            foreach (var (path, data) in Tree)
            {
                await admin.CreateAsync(chroot + path, Encoding.UTF8.GetBytes(data));
                if (path.StartsWith("/brokers/ids/", StringComparison.Ordinal) && int.TryParse(path["/brokers/ids/".Length..], System.Globalization.CultureInfo.InvariantCulture, out var id))
                {
                    epochs[id] = (await admin.ExistsAsync(chroot + path))!.Czxid;
                }
            }
        }

        var address = server.ConnectString.Split(',')[0];
        var colon = address.LastIndexOf(':');
        var spec = new ServerSpec(1, address[..colon], int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), 1, 2, "127.0.0.1:1");

        var topology = BatchSafety.Sorted(await new ZooKeeperClusterInspector().ReadKafkaTopologyAsync([spec], chroot, CancellationToken.None));

        Assert.Equal(new Dictionary<int, string?> { [1] = "eu-1a", [2] = null, [3] = null, [4] = null }, topology.RegisteredRacks);
        // Each registration's czxid: the broker epoch a restarted broker must renew.
        Assert.Equal(epochs, topology.BrokerEpochs);
        Assert.Equal(3, topology.Partitions.Count);
        var logs = topology.Partitions[0];
        Assert.Equal(("logs-0", -1, 0, (int?)null), (logs.Name, logs.Leader, logs.Isr.Count, logs.MinInsyncReplicas));
        Assert.Equal([3, 1], logs.Replicas);
        var orders0 = topology.Partitions[1];
        Assert.Equal(("orders-0", 1, (int?)2), (orders0.Name, orders0.Leader, orders0.MinInsyncReplicas));
        Assert.Equal([1, 2, 3], orders0.Isr);
        var orders1 = topology.Partitions[2];
        Assert.Equal(("orders-1", -1, (int?)2), (orders1.Name, orders1.Leader, orders1.MinInsyncReplicas));
        Assert.Equal([2, 3, 1], orders1.Replicas);
        Assert.Equal("logs-0 offline (no leader); orders-1 offline (no leader)", BatchSafety.NotReady(topology, [1, 2, 3]));
    }
}
