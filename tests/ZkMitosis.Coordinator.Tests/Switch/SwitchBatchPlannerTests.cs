using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Switch;

namespace ZkMitosis.Coordinator.Tests.Switch;

/// <summary>The batch planner and its safety rules, as pure functions over a cluster snapshot (issue 17).</summary>
public sealed class SwitchBatchPlannerTests
{
    private static readonly SwitchSettings ByRack = new() { Batching = SwitchBatching.Rack, DefaultMinInsyncReplicas = 2 };

    /// <summary>Brokers 1-6: racks a (1, 4), b (2, 5), c (3, 6) in the plan.</summary>
    private static readonly IReadOnlyList<BrokerSpec> SixBrokers =
        [.. Enumerable.Range(1, 6).Select(id => new BrokerSpec(id, $"10.0.0.{id}:7443") { Rack = ((char)('a' + ((id - 1) % 3))).ToString() })];

    private static KafkaTopology Topology(params PartitionPlacement[] partitions) =>
        new(SixBrokers.ToDictionary(b => b.Id, b => b.Rack), partitions);

    private static PartitionPlacement Whole(string topic, int partition, int[] replicas, int? minIsr = null) =>
        new(topic, partition, replicas, replicas[0], replicas, minIsr);

    [Fact]
    public void Plan_RackAwarePlacement_OneBatchPerRackInFirstAppearanceOrder()
    {
        var topology = Topology(Whole("t", 0, [1, 2, 3]), Whole("t", 1, [4, 5, 6]), Whole("t", 2, [2, 6, 1]));

        var plan = SwitchBatchPlanner.Plan(SixBrokers, topology, ByRack);

        Assert.Equal(["rack a", "rack b", "rack c"], plan.Batches.Select(b => b.Group));
        Assert.Equal([[1, 4], [2, 5], [3, 6]], plan.Batches.Select(b => b.Brokers.ToArray()));
        Assert.All(plan.Batches, b => Assert.Null(b.Split));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Plan_TwoReplicasOnOneRack_SplitsTheRackNamingThePartitionAndTheTopicMinimum()
    {
        // orders-0 has two of its three replicas on rack a (1 and 4): rack a down leaves 1 < 2 (topic config).
        var topology = Topology(Whole("t", 0, [1, 2, 3]), Whole("orders", 0, [1, 4, 2], minIsr: 2));

        var plan = SwitchBatchPlanner.Plan(SixBrokers, topology, ByRack with { DefaultMinInsyncReplicas = 1 });

        Assert.Equal([[1], [4], [2, 5], [3, 6]], plan.Batches.Select(b => b.Brokers.ToArray()));
        Assert.Equal("rack a split into 2 batches: with brokers 1,4 down, orders-0 would keep 1 in-sync replica(s), below min.insync.replicas 2 (topic config)", plan.Batches[0].Split);
        Assert.Equal(plan.Batches[0].Split, plan.Batches[1].Split);
        Assert.Equal([1, 2, 3, 4], plan.Batches.Select(b => b.Number));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public void Plan_NoTopicOverride_TheBrokersDefaultDecides(int defaultMinIsr, bool split)
    {
        var topology = Topology(Whole("orders", 0, [1, 4, 2]));

        var plan = SwitchBatchPlanner.Plan(SixBrokers, topology, ByRack with { DefaultMinInsyncReplicas = defaultMinIsr });

        Assert.Equal(split ? 4 : 3, plan.Batches.Count);
        if (split)
        {
            Assert.EndsWith("below min.insync.replicas 2 (the brokers' default)", plan.Batches[0].Split, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Plan_TopicOverrideBelowTheDefault_TheTopicWins()
    {
        var topology = Topology(Whole("logs", 0, [1, 4, 2], minIsr: 1));

        var plan = SwitchBatchPlanner.Plan(SixBrokers, topology, ByRack with { DefaultMinInsyncReplicas = 3 });

        Assert.Equal(3, plan.Batches.Count);
    }

    [Fact]
    public void Plan_EveryReplicaOnOneRack_SplitBecauseThePartitionWouldLoseEveryReplica()
    {
        var topology = Topology(Whole("t", 0, [1, 4]));

        var plan = SwitchBatchPlanner.Plan(SixBrokers, topology, ByRack with { DefaultMinInsyncReplicas = 1 });

        Assert.Equal("rack a split into 2 batches: with brokers 1,4 down, t-0 would lose every replica (1,4)", plan.Batches[0].Split);
    }

    [Fact]
    public void Plan_SingleReplicaPartition_BrokerAloneWithAWarning()
    {
        var topology = Topology(Whole("scratch", 0, [5]));

        var plan = SwitchBatchPlanner.Plan(SixBrokers, topology, ByRack with { DefaultMinInsyncReplicas = 1 });

        var alone = Assert.Single(plan.Batches, b => b.Warning is not null);
        Assert.Equal([5], alone.Brokers);
        Assert.Equal("broker 5 cannot be restarted safely even alone: scratch-0 would lose every replica (5) (as in a switch one at a time)", alone.Warning);
    }

    [Fact]
    public void Plan_MaxUnavailable_CapsEachGroupAndSaysSo()
    {
        var brokers = Enumerable.Range(1, 5).Select(id => new BrokerSpec(id, $"10.0.0.{id}:7443") { Rack = "a" }).ToList();

        var plan = SwitchBatchPlanner.Plan(brokers, null, new SwitchSettings { Batching = SwitchBatching.Rack, MaxUnavailable = 2 });

        Assert.Equal([[1, 2], [3, 4], [5]], plan.Batches.Select(b => b.Brokers.ToArray()));
        Assert.All(plan.Batches, b => Assert.Equal("rack a split into 3 batches: maxUnavailable 2", b.Split));
    }

    [Fact]
    public void Plan_BySize_ChunksInPlanOrderThenSplitsUnsafeChunks()
    {
        var topology = Topology(Whole("t", 0, [2, 3, 6]));

        var plan = SwitchBatchPlanner.Plan(SixBrokers, topology, new SwitchSettings { Batching = SwitchBatching.Size, BatchSize = 3, DefaultMinInsyncReplicas = 2 });

        Assert.Equal(["brokers 1-3", "brokers 1-3", "brokers 4-6"], plan.Batches.Select(b => b.Group));
        Assert.Equal([[1, 2], [3], [4, 5, 6]], plan.Batches.Select(b => b.Brokers.ToArray()));
    }

    [Fact]
    public void Plan_RegisteredRackBeatsThePlans_NoRackAtAllGoesAlone()
    {
        var brokers = new[] { new BrokerSpec(1, "h1:7443") { Rack = "plan-a" }, new BrokerSpec(2, "h2:7443") { Rack = "plan-a" }, new BrokerSpec(3, "h3:7443"), new BrokerSpec(4, "h4:7443") };
        var topology = new KafkaTopology(new Dictionary<int, string?> { [1] = "kafka-x", [2] = null, [3] = null, [4] = "kafka-x" }, []);

        var plan = SwitchBatchPlanner.Plan(brokers, topology, new SwitchSettings());

        Assert.Equal(["rack kafka-x", "rack plan-a", "broker 3 (no rack)"], plan.Batches.Select(b => b.Group));
        Assert.Equal([[1, 4], [2], [3]], plan.Batches.Select(b => b.Brokers.ToArray()));
    }

    [Fact]
    public void NotReady_NamesWhatKeepsKafkaShortOfWhole()
    {
        Assert.Null(BatchSafety.NotReady(Topology(Whole("t", 0, [1, 2, 3])), [1, 2, 3, 4, 5, 6]));
        Assert.Equal("broker(s) 7 not registered", BatchSafety.NotReady(Topology(), [1, 7]));
        Assert.Equal("t-0 offline (no leader)", BatchSafety.NotReady(Topology(new PartitionPlacement("t", 0, [1, 2], -1, [], null)), [1]));
        Assert.Equal("t-1 under-replicated (isr 1 of 1,2)", BatchSafety.NotReady(Topology(new PartitionPlacement("t", 1, [1, 2], 1, [1], null)), [1]));
        Assert.Equal("t-0 leader 9 not registered", BatchSafety.NotReady(Topology(new PartitionPlacement("t", 0, [9, 1], 9, [9, 1], null)), [1]));
    }

    [Fact]
    public void Unsafe_ReplicasBelowTheirOwnMinimum_JudgedOnlyOnLosingEveryReplica()
    {
        // Assigned 2 replicas with min.insync.replicas 3: acks=all never succeeded; one down changes nothing.
        var topology = Topology(Whole("t", 0, [1, 2], minIsr: 3));

        Assert.Null(BatchSafety.Unsafe([1], topology, 1));
        Assert.Equal("t-0 would lose every replica (1,2)", BatchSafety.Unsafe([1, 2], topology, 1));
    }

    [Fact]
    public void Projection_BatchesTimesTheRestart_AgainstOneAtATime()
    {
        Assert.Equal("projected 12 batches × 3m00s = 36m00s (one at a time: 300 × 3m00s = 15h00m)", SwitchProjection.Describe(12, 300, TimeSpan.FromMinutes(3)));
        Assert.StartsWith("12 batches; projected duration: measured on the first batch", SwitchProjection.Describe(12, 300, null), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(22), SwitchProjection.Reprojected(TimeSpan.FromMinutes(2), 11));
        Assert.Equal("4.2s", SwitchProjection.Format(TimeSpan.FromMilliseconds(4200)));
    }
}
