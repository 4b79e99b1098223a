using System.Globalization;

namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>
/// The reply of <c>mntr</c> (or the AdminServer's <c>monitor</c>): every key/value, with typed accessors for the ones the
/// migration reads. Keys keep ZooKeeper's <c>zk_</c> prefix (AdminServer keys are given it). <c>mntr</c> has no zxid: use
/// <c>srvr</c>.
/// </summary>
public sealed class MntrResult
{
    public MntrResult(IReadOnlyDictionary<string, string> values)
    {
        Values = values;
    }

    /// <summary>Every key as reported, in ZooKeeper's naming (<c>zk_server_state</c>, …).</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    public string Version => Values.GetValueOrDefault("zk_version") ?? "";

    public ZooKeeperServerMode Mode => ZooKeeperServerModes.Parse(Values.GetValueOrDefault("zk_server_state"));

    public long ZnodeCount => Long("zk_znode_count");

    public long AliveConnections => Long("zk_num_alive_connections");

    public long OutstandingRequests => Long("zk_outstanding_requests");

    public long EphemeralsCount => Long("zk_ephemerals_count");

    public double AverageLatency => double.TryParse(Values.GetValueOrDefault("zk_avg_latency"), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;

    /// <summary>Leader only: every connected learner (followers and observers).</summary>
    public long Learners => Long("zk_learners");

    /// <summary>Leader only: voting followers in sync.</summary>
    public long SyncedFollowers => Long("zk_synced_followers");

    /// <summary>Leader only: observers in sync (ZooKeeper reports them as <c>zk_synced_observers</c>).</summary>
    public long SyncedObservers => Long("zk_synced_observers");

    /// <summary>Leader only: non-voting followers in sync.</summary>
    public long SyncedNonVotingFollowers => Long("zk_synced_non_voting_followers");

    /// <summary>The value of <paramref name="key"/> as a number, 0 when absent or not a number.</summary>
    public long Long(string key) => SrvrResult.ParseLong(Values.GetValueOrDefault(key));

    /// <summary>Parses <c>key&lt;TAB&gt;value</c> lines.</summary>
    /// <exception cref="FormatException">no line has that shape.</exception>
    public static MntrResult Parse(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in reply.Split('\n'))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                values[line[..tab].Trim()] = line[(tab + 1)..].TrimEnd('\r');
            }
        }

        if (values.Count == 0 || !values.ContainsKey("zk_server_state"))
        {
            throw new FormatException($"not a mntr reply (no zk_server_state line): '{SrvrResult.Shorten(reply)}'");
        }

        return new MntrResult(values);
    }
}
