using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Reporting;

/// <summary>
/// Turns the availability monitor's <c>srvr</c> polls into <see cref="ServerModeSpan"/>s: one span per run of polls
/// in the same mode, so a server that stays a follower for ten minutes costs one journal record, not six thousand.
/// Not thread-safe: the monitor's loop is its only caller.
/// </summary>
public sealed class ModeRecorder
{
    private readonly Dictionary<(string Cluster, int Id), Open> _open = [];

    /// <summary>The mode a poll shows: srvr's mode when it serves, looking when it answered but does not serve, else stopped.</summary>
    public static string ModeOf(ServerObservation observation) =>
        observation.Serving && observation.Mode is { Length: > 0 } mode ? mode
        // SrvrParser's answer for "This ZooKeeper instance is not currently serving requests" (ZooKeeper's
        // NonServerCommand): the process is up but has no quorum yet, i.e. it is electing or syncing.
        : observation.Error?.Contains("not currently serving", StringComparison.OrdinalIgnoreCase) == true ? "looking"
        : "stopped";

    /// <summary>Records one poll of <paramref name="server"/> at <paramref name="at"/>; returns the span it closed, if the mode changed.</summary>
    public ServerModeSpan? Observe(string cluster, ServerSpec server, ServerObservation observation, DateTimeOffset at)
    {
        var mode = ModeOf(observation);
        long? zxid = observation.Zxid >= 0 ? observation.Zxid : null;
        var key = (cluster, server.Id);
        if (_open.TryGetValue(key, out var open) && open.Mode == mode)
        {
            open.LastZxid = zxid ?? open.LastZxid;
            return null;
        }

        _open[key] = new Open(server.ClientEndpoint, mode, at, zxid);
        return open?.Close(cluster, server.Id, at);
    }

    /// <summary>Closes every open span at <paramref name="at"/> (the monitor stops).</summary>
    public IReadOnlyList<ServerModeSpan> CloseAll(DateTimeOffset at)
    {
        var closed = _open.Select(o => o.Value.Close(o.Key.Cluster, o.Key.Id, at)).ToList();
        _open.Clear();
        return closed;
    }

    private sealed class Open(string endpoint, string mode, DateTimeOffset from, long? firstZxid)
    {
        public string Mode { get; } = mode;

        public long? LastZxid { get; set; } = firstZxid;

        public ServerModeSpan Close(string cluster, int id, DateTimeOffset at) => new(cluster, id, endpoint, Mode, from, at, FirstZxid, LastZxid);

        private long? FirstZxid { get; } = firstZxid;
    }
}
