namespace ZkMitosis.Lab.Servers;

/// <summary>One <c>server.N=host:quorumPort:electionPort[:observer]</c> line of a zoo.cfg.</summary>
public sealed record QuorumMember(int ServerId, string Host, int QuorumPort, int ElectionPort, bool IsObserver = false)
{
    public string ToConfigLine() =>
        $"server.{ServerId}={Host}:{QuorumPort}:{ElectionPort}{(IsObserver ? ":observer" : string.Empty)}";
}
