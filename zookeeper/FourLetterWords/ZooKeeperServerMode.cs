namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>The <c>Mode:</c> of <c>srvr</c> (or <c>server_state</c> of <c>mntr</c>).</summary>
public enum ZooKeeperServerMode
{
    Unknown,
    Standalone,
    Leader,
    Follower,
    Observer,
    ReadOnly,
}

/// <summary>Parsing of the mode words ZooKeeper prints.</summary>
public static class ZooKeeperServerModes
{
    /// <summary>"standalone", "leader", "follower", "observer", "read-only"; anything else is <see cref="ZooKeeperServerMode.Unknown"/>.</summary>
    public static ZooKeeperServerMode Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "standalone" => ZooKeeperServerMode.Standalone,
        "leader" => ZooKeeperServerMode.Leader,
        "follower" => ZooKeeperServerMode.Follower,
        "observer" => ZooKeeperServerMode.Observer,
        "read-only" or "readonly" => ZooKeeperServerMode.ReadOnly,
        _ => ZooKeeperServerMode.Unknown,
    };
}
