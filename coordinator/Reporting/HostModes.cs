namespace ZkMitosis.Coordinator.Reporting;

/// <summary>
/// One stretch of time during which a server stayed in one ZooKeeper mode, as the availability monitor's
/// <c>srvr</c> polls saw it (journaled when it closes, so a killed coordinator keeps what it saw).
/// </summary>
/// <param name="Cluster">source | destination.</param>
/// <param name="ServerId">The server's id (<c>myid</c>).</param>
/// <param name="Endpoint">The server's client endpoint, <c>host:port</c>.</param>
/// <param name="Mode">leader, follower, observer, standalone (srvr's <c>Mode:</c>), looking (srvr answered "not currently serving requests": electing or not yet synced) or stopped (no srvr answer at all).</param>
/// <param name="From">The first poll that saw this mode.</param>
/// <param name="To">The first poll that saw another mode, or the end of monitoring.</param>
/// <param name="FirstZxid">The zxid srvr reported at <paramref name="From"/>; null when it reported none (looking, stopped).</param>
/// <param name="LastZxid">The last zxid srvr reported in this span; null when it reported none.</param>
public sealed record ServerModeSpan(string Cluster, int ServerId, string Endpoint, string Mode, DateTimeOffset From, DateTimeOffset To, long? FirstZxid, long? LastZxid);

/// <summary>One span of a <see cref="HostModeBand"/>: a mode from one instant to another.</summary>
/// <param name="Mode">See <see cref="ServerModeSpan.Mode"/>.</param>
/// <param name="From">Start of the span.</param>
/// <param name="To">End of the span.</param>
/// <param name="FirstZxid">The zxid at the start, when the server reported one.</param>
/// <param name="LastZxid">The last zxid seen in the span, when the server reported one.</param>
public sealed record ModeSpan(string Mode, DateTimeOffset From, DateTimeOffset To, long? FirstZxid, long? LastZxid);

/// <summary>A server's ZooKeeper mode over the whole migration (every coordinator process that monitored it), oldest first.</summary>
/// <param name="Cluster">source | destination.</param>
/// <param name="ServerId">The server's id.</param>
/// <param name="Endpoint">The server's client endpoint, <c>host:port</c>.</param>
/// <param name="Spans">Its modes in time order; a hole between two spans is a time nobody watched (the coordinator was down).</param>
public sealed record HostModeBand(string Cluster, int ServerId, string Endpoint, IReadOnlyList<ModeSpan> Spans)
{
    /// <summary>Groups journaled spans into one band per server: source servers first, then destination, each by id.</summary>
    public static IReadOnlyList<HostModeBand> From(IEnumerable<ServerModeSpan> spans) =>
        spans.GroupBy(s => (s.Cluster, s.ServerId, s.Endpoint))
            .OrderBy(g => g.Key.Cluster == "source" ? 0 : 1).ThenBy(g => g.Key.ServerId).ThenBy(g => g.Key.Endpoint, StringComparer.Ordinal)
            .Select(g => new HostModeBand(g.Key.Cluster, g.Key.ServerId, g.Key.Endpoint,
                g.OrderBy(s => s.From).Select(s => new ModeSpan(s.Mode, s.From, s.To, s.FirstZxid, s.LastZxid)).ToList()))
            .ToList();
}
