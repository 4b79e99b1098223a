using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Tests.Engine;

public sealed class ElectionOrderTests
{
    [Fact]
    public void Decide_DifferentZxids_HighestFirstRestAfter()
    {
        var order = ElectionOrder.Decide([new(4, 0x100000010), new(5, 0x100000043), new(6, 0x100000020)]);

        Assert.Equal(5, order.First);
        Assert.Equal([4, 6], order.Rest);
        Assert.Equal(0x100000043, order.HighestZxid);
        Assert.Equal([5], order.SafeLeaders);
    }

    [Fact]
    public void Decide_EqualZxids_HighestIdFirstAndAllSafe()
    {
        var order = ElectionOrder.Decide([new(4, 7), new(5, 7), new(6, 7)]);

        Assert.Equal(6, order.First);
        Assert.Equal([4, 5, 6], order.SafeLeaders);
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
