using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Tests.Engine;

public sealed class ElectionOrderTests
{
    [Fact]
    public void Decide_ThreeNodesDifferentZxids_HighestWithTheNextInTheFirstWave()
    {
        var order = ElectionOrder.Decide([new(4, 0x100000010), new(5, 0x100000043), new(6, 0x100000020)]);

        Assert.Equal([5, 6], order.FirstWave);
        Assert.Equal([4], order.SecondWave);
        Assert.Equal(0x100000043, order.HighestZxid);
        Assert.Equal([5], order.SafeLeaders);
    }

    [Fact]
    public void Decide_EqualZxids_AllSafeAQuorumOfThemFirst()
    {
        var order = ElectionOrder.Decide([new(4, 7), new(5, 7), new(6, 7)]);

        Assert.Equal([5, 6], order.FirstWave);
        Assert.Equal([4], order.SecondWave);
        Assert.Equal([4, 5, 6], order.SafeLeaders);
    }

    [Fact]
    public void Decide_FiveNodes_AtMostTwoBehindStartWithTheHighest()
    {
        var order = ElectionOrder.Decide([new(1, 10), new(2, 50), new(3, 40), new(4, 30), new(5, 20)]);

        Assert.Equal([2, 3, 4], order.FirstWave);
        Assert.Equal([1, 5], order.SecondWave);
    }

    [Fact]
    public void Decide_SevenNodes_AQuorumOfFourWithTheHighestAtMostThreeBehind()
    {
        var order = ElectionOrder.Decide([new(8, 10), new(9, 70), new(10, 60), new(11, 50), new(12, 40), new(13, 30), new(14, 20)]);

        Assert.Equal(4, ElectionOrder.Quorum(7));
        Assert.Equal([9, 10, 11, 12], order.FirstWave);
        Assert.Equal([8, 13, 14], order.SecondWave);
        Assert.Equal([9], order.SafeLeaders);
    }

    [Fact]
    public void Decide_SevenNodesFourBehindWithNewerEpoch_RefusedAsNoSafeQuorum()
    {
        // Only nodes 8, 9, 10 may start beside node 11 (the highest, epoch 2): four of seven, a quorum. With a fourth
        // node of epoch 3 behind, just three remain and the refusal names every zxid.
        NodeZxid[] safe = [new(8, 0x200000001, 2), new(9, 0x200000002, 2), new(10, 0x200000003, 2), new(11, 0x200000009, 2), new(12, 0x200000004, 3), new(13, 0x200000005, 3), new(14, 0x200000006, 3)];
        Assert.Equal([8, 9, 10, 11], ElectionOrder.Decide(safe).FirstWave);

        var error = Assert.Throws<UnsafeElectionException>(() => ElectionOrder.Decide([.. safe.Where(z => z.ServerId != 10), new(10, 0x200000003, 3)]));

        Assert.Contains("a quorum needs 4 of 7 nodes but only 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("14=0x200000006", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SevenNodesEveryZxidAssignment_NoNodesBehindCanFormAQuorumAlone()
    {
        // Every assignment of three zxids and two epochs to seven nodes (6^7 = 279,936 cases): either refused, or a
        // first wave of four that holds a node at the highest zxid and in which no node behind outranks it by epoch.
        var zxids = new NodeZxid[7];
        for (var code = 0; code < 279_936; code++)
        {
            var rest = code;
            for (var i = 0; i < 7; i++)
            {
                zxids[i] = new NodeZxid(8 + i, 1 + (rest % 3), 1 + ((rest / 3) % 2));
                rest /= 6;
            }

            ElectionOrder order;
            try
            {
                order = ElectionOrder.Decide(zxids);
            }
            catch (UnsafeElectionException)
            {
                continue;
            }

            Assert.Equal(4, order.FirstWave.Count);
            Assert.Contains(order.FirstWave, id => order.SafeLeaders.Contains(id));
            var lowestSafeEpoch = zxids.Where(z => order.SafeLeaders.Contains(z.ServerId)).Min(z => z.VoteEpoch);
            Assert.All(zxids.Where(z => order.FirstWave.Contains(z.ServerId) && !order.SafeLeaders.Contains(z.ServerId)), z => Assert.True(z.VoteEpoch <= lowestSafeEpoch));
        }
    }

    [Fact]
    public void Decide_NodeBehindWithNewerEpoch_KeptOutOfTheFirstWave()
    {
        // Node 6 is behind, but its vote would carry epoch 3: node 5 (epoch 2) would vote for it, so it must wait.
        var order = ElectionOrder.Decide([new(4, 0x200000001, 2), new(5, 0x200000009, 2), new(6, 0x200000005, 3)]);

        Assert.Equal([4, 5], order.FirstWave);
        Assert.Equal([6], order.SecondWave);
    }

    [Fact]
    public void Decide_NoSafeQuorum_RefusedWithZxids()
    {
        var error = Assert.Throws<UnsafeElectionException>(() =>
            ElectionOrder.Decide([new(4, 0x200000001, 3), new(5, 0x200000009, 2), new(6, 0x200000005, 3)]));

        Assert.Contains("no safe first wave", error.Message, StringComparison.Ordinal);
        Assert.Contains("5=0x200000009", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AnyInput_NoQuorumOfTheFirstWaveExcludesEveryNodeAtTheHighestZxid()
    {
        var random = new Random(7);
        for (var run = 0; run < 500; run++)
        {
            var count = random.Next(1, 8);
            var zxids = Enumerable.Range(1, count).Select(id => new NodeZxid(id, random.Next(1, 6), 1)).ToList();

            var order = ElectionOrder.Decide(zxids);

            var quorum = ElectionOrder.Quorum(count);
            Assert.Equal(quorum, order.FirstWave.Count);
            Assert.Contains(order.FirstWave, id => order.SafeLeaders.Contains(id));
            Assert.True(order.FirstWave.Count(id => !order.SafeLeaders.Contains(id)) < quorum, "the nodes behind could elect alone");
            Assert.Equal(count, order.FirstWave.Concat(order.SecondWave).Distinct().Count());
        }
    }

    [Fact]
    public void NodeZxid_NoEpochFile_VotesWithTheZxidEpoch()
    {
        Assert.Equal(2, new NodeZxid(1, 0x200000005).VoteEpoch);
        Assert.Equal(5, new NodeZxid(1, 0x200000005, 5).VoteEpoch);
    }

    [Fact]
    public void Verify_LeaderBehindAnotherNode_ReportsTruncationWithZxids()
    {
        var order = ElectionOrder.Decide([new(4, 0x100000010), new(5, 0x100000043), new(6, 0x100000020)]);
        var observed = new Dictionary<int, ServerObservation>
        {
            [4] = new(true, "follower", 0x200000000, null),
            [5] = new(true, "follower", 0x200000000, null),
            [6] = new(true, "leader", 0x200000000, null),
        };

        var problems = order.Verify(observed);

        var problem = Assert.Single(problems);
        Assert.Contains("LEADER 6 IS BEHIND", problem, StringComparison.Ordinal);
        Assert.Contains("5=0x100000043", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SafeLeaderAndFollowers_NoProblems()
    {
        var order = ElectionOrder.Decide([new(4, 1), new(5, 9), new(6, 3)]);
        var observed = new Dictionary<int, ServerObservation>
        {
            [4] = new(true, "follower", 0x200000000, null),
            [5] = new(true, "leader", 0x200000000, null),
            [6] = new(true, "follower", 0x200000000, null),
        };

        Assert.Empty(order.Verify(observed));
    }

    [Fact]
    public void Verify_NodeStillElecting_Reported()
    {
        var order = ElectionOrder.Decide([new(4, 1), new(5, 9)]);
        var observed = new Dictionary<int, ServerObservation>
        {
            [4] = new(false, null, -1, "not currently serving requests (electing)"),
            [5] = new(true, "leader", 0x200000000, null),
        };

        Assert.Contains(order.Verify(observed), p => p.Contains("node 4", StringComparison.Ordinal));
    }

    [Fact]
    public void SrvrParser_FollowerReply_ModeAndZxid()
    {
        var observation = SrvrParser.Parse("Zookeeper version: 3.8.4\nLatency min/avg/max: 0/0.0/0\nZxid: 0x20000001a\nMode: follower\nNode count: 5\n");

        Assert.Equal(new ServerObservation(true, "follower", 0x20000001a, null), observation);
    }

    [Fact]
    public void SrvrParser_Electing_NotServing()
    {
        var observation = SrvrParser.Parse("This ZooKeeper instance is not currently serving requests\n");

        Assert.False(observation.Serving);
        Assert.Contains("not currently serving", observation.Error, StringComparison.Ordinal);
    }
}
