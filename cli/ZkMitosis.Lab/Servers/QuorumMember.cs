using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Lab.Servers;

/// <summary>One <c>server.N=host:quorumPort:electionPort[:observer]</c> line of a zoo.cfg (an IPv6 host in brackets).</summary>
public sealed record QuorumMember(int ServerId, string Host, int QuorumPort, int ElectionPort, bool IsObserver = false)
{
    /// <summary>The line as the shared model renders it (<see cref="ZooKeeperServerSpec.Line"/>).</summary>
    public string ToConfigLine() => new ZooKeeperServerSpec(ServerId, Host, QuorumPort, ElectionPort, IsObserver).Line;
}
