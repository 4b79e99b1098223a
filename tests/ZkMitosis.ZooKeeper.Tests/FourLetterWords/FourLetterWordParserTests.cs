using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.ZooKeeper.Tests.FourLetterWords;

/// <summary>Parsers against replies captured from ZooKeeper 3.8 on this machine.</summary>
public sealed class FourLetterWordParserTests
{
    private const string Srvr = "Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\nLatency min/avg/max: 0/0.5/3\nReceived: 12\nSent: 11\nConnections: 2\nOutstanding: 0\nZxid: 0x10000001a\nMode: follower\nNode count: 5\n";

    [Fact]
    public void SrvrParse_FollowerReply_ModeAndZxid()
    {
        var result = SrvrResult.Parse(Srvr);

        Assert.Equal(ZooKeeperServerMode.Follower, result.Mode);
        Assert.Equal(0x10000001a, result.Zxid);
        Assert.Equal(5, result.NodeCount);
        Assert.Equal(2, result.Connections);
        Assert.Equal(0.5, result.LatencyAvg);
        Assert.StartsWith("3.8.0", result.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void SrvrParse_Garbage_FormatException()
    {
        Assert.Throws<FormatException>(() => SrvrResult.Parse("HTTP/1.1 400 Bad Request\r\n"));
    }

    [Fact]
    public void MntrParse_LeaderReply_LearnersAndSyncedCounts()
    {
        var result = MntrResult.Parse("zk_version\t3.8.0\nzk_server_state\tleader\nzk_znode_count\t42\nzk_learners\t4\nzk_synced_followers\t2\nzk_synced_observers\t2\nzk_synced_non_voting_followers\t0\n");

        Assert.Equal(ZooKeeperServerMode.Leader, result.Mode);
        Assert.Equal(42, result.ZnodeCount);
        Assert.Equal(4, result.Learners);
        Assert.Equal(2, result.SyncedFollowers);
        Assert.Equal(2, result.SyncedObservers);
    }

    [Fact]
    public void ConsParse_SessionAndHandshakeLines_SessionIdsAndAddresses()
    {
        var result = ConsResult.Parse(" /127.0.0.1:56428[0](queued=0,recved=1,sent=0)\n /10.252.3.9:56414[1](queued=0,recved=1,sent=1,sid=0x100000b330a0000,lop=SESS,est=1795565594565,to=10000,lcxid=0x0,lzxid=0x1,lresp=747146,llat=8,minlat=0,avglat=8,maxlat=8)\n /0:0:0:0:0:0:0:1:40000[1](queued=0,recved=2,sent=2,sid=0x2)\n\n");

        Assert.Equal(3, result.Connections.Count);
        Assert.Equal(0, result.Connections[0].SessionId);
        Assert.Equal("10.252.3.9", result.Connections[1].Address);
        Assert.Equal(56414, result.Connections[1].Port);
        Assert.Equal(0x100000b330a0000, result.Connections[1].SessionId);
        Assert.Equal(10000, result.Connections[1].TimeoutMs);
        Assert.Equal("::1", result.Connections[2].Address);
        Assert.Equal(2, result.WithSession.Count());
    }

    [Fact]
    public void ConsParse_Ipv6ClientAsJava17PrintsIt_AddressPortAndSession()
    {
        var result = ConsResult.Parse(" /[fd00:0:0:fb00:0:0:0:31]:41234[1](queued=0,recved=3,sent=3,sid=0x100000b330a0001,to=18000)\n");

        var connection = Assert.Single(result.Connections);
        Assert.Equal(("fd00:0:0:fb00::31", 41234, 0x100000b330a0001L), (connection.Address, connection.Port, connection.SessionId));
    }

    [Fact]
    public void ConfParse_QuorumReply_ServerLines()
    {
        var result = ConfResult.Parse("clientPort=2181\ndataDir=/var/lib/zookeeper/version-2\nserverId=2\nmembership: \nserver.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=10.0.0.2:2888:3888:participant;0.0.0.0:2181\nversion=0\n");

        Assert.Equal(2, result.ServerId);
        Assert.Equal(2181, result.ClientPort);
        Assert.Equal(2, result.Servers.Count);
        Assert.StartsWith("10.0.0.2:2888:3888", result.Servers[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("This ZooKeeper instance is not currently serving requests\n", FourLetterWordFailure.NotServing)]
    [InlineData("mntr is not executed because it is not in the whitelist.\n", FourLetterWordFailure.NotWhitelisted)]
    public void Refusal_KnownRefusals_Recognised(string reply, FourLetterWordFailure expected)
    {
        Assert.Equal(expected, FourLetterWordReply.Refusal(reply));
        var error = Assert.Throws<FourLetterWordException>(() => FourLetterWordReply.ThrowIfRefused("h", 1, "mntr", reply));
        Assert.Equal(expected, error.Failure);
    }
}
