using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Agent.Status;

/// <summary>How the local ZooKeeper answers.</summary>
public enum LocalZooKeeperMode
{
    Unknown,
    Standalone,
    Leader,
    Follower,
    Observer,

    /// <summary>"not currently serving requests": electing, or cut off.</summary>
    NotServing,

    /// <summary>Nothing listens on the client port.</summary>
    Stopped,
}

/// <summary>The local ZooKeeper's status from srvr + mntr (+ cons), or from the data dir when it does not answer.</summary>
public sealed record ZooKeeperLocalStatus
{
    public required LocalZooKeeperMode Mode { get; init; }

    public long Zxid { get; init; } = -1;

    public string Version { get; init; } = "";

    public SrvrResult? Srvr { get; init; }

    public MntrResult? Mntr { get; init; }

    public ConsResult? Cons { get; init; }

    public int VotingMembers { get; init; }

    public long ServerId { get; init; }

    /// <summary>-1 unless the server does not serve and the data dir has logs.</summary>
    public long LastZxidOnDisk { get; init; } = -1;

    /// <summary>"4lw" (plain client port), "4lw-tls" (the <c>secureClientPort</c> of a server without a plain one) or "adminserver".</summary>
    public string Source { get; init; } = "4lw";

    /// <summary>Why a part is missing; empty when all went well.</summary>
    public string Error { get; init; } = "";

    public bool IsServing => Mode is LocalZooKeeperMode.Standalone or LocalZooKeeperMode.Leader or LocalZooKeeperMode.Follower or LocalZooKeeperMode.Observer;

    public int QuorumSize => VotingMembers == 0 ? 0 : (VotingMembers / 2) + 1;

    public static LocalZooKeeperMode FromServerMode(ZooKeeperServerMode mode) => mode switch
    {
        ZooKeeperServerMode.Standalone => LocalZooKeeperMode.Standalone,
        ZooKeeperServerMode.Leader => LocalZooKeeperMode.Leader,
        ZooKeeperServerMode.Follower => LocalZooKeeperMode.Follower,
        ZooKeeperServerMode.Observer => LocalZooKeeperMode.Observer,
        _ => LocalZooKeeperMode.Unknown,
    };
}
