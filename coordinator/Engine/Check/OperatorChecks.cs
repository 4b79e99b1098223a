using System.Globalization;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Check;

/// <summary>
/// What an operator forgets and the run's own checks do not ask before it is too late: the four-letter words the run
/// reads, free disk on the destination, clock skew, <c>maxClientCnxns</c>, the ZooKeeper versions, and <c>jute.maxbuffer</c> wherever it could not be read. Each check
/// adds problems (the run would stop or endanger something) or notes (could not be checked, or worth knowing).
/// </summary>
internal static class OperatorChecks
{
    /// <summary>The four-letter words the run sends: srvr (the coordinator: modes and zxids), mntr (the agent: a leader's synced learners), cons (the agent: the sessions).</summary>
    public static readonly IReadOnlyList<string> NeededWords = ["srvr", "mntr", "cons"];

    /// <summary>The skew beyond which a host's clock is a problem: barrier instants and gaps are compared across hosts, and leases expire by the agents' clocks.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(1);

    /// <summary>ZooKeeper's default <c>maxClientCnxns</c> (connections per client address per server) since 3.4.</summary>
    public const int DefaultMaxClientCnxns = 60;

    public static void Run(MigrationPlan plan, IReadOnlyList<ServerFacts> servers, IReadOnlyList<(BrokerSpec Broker, TimedDescription? Description)> brokers, List<string> problems, List<string> notes)
    {
        FourLetterWords(servers, problems);
        FreeDisk(servers, problems, notes);
        ClockSkew(servers.Select(s => (s.Name, s.Description)).Concat(brokers.Select(b => ($"broker {b.Broker.Id} ({b.Broker.Host})", b.Description))), problems);
        MaxClientConnections(plan, servers, problems);
        Versions(servers, problems, notes);
        // Values below the source's are preflight's problems; here only what could not be read.
        Steps.JuteMaxBufferCheck.CompareValues(servers.Where(s => s.Description is not null).Select(s => new Steps.ServerJuteMaxBuffer(s.Server, s.Source, s.Description!.Description.JuteMaxBuffer, s.Description.Description.JuteMaxBufferSource)).ToList(), [], notes);
    }

    /// <summary>
    /// ZooKeeper 3.5+ answers only the words in <c>4lw.commands.whitelist</c> (default: srvr alone); 3.4 answers every
    /// word. A destination node keeps its whitelist through the migration (the run rewrites only member lines), so its
    /// file today is what it will run with.
    /// </summary>
    private static void FourLetterWords(IReadOnlyList<ServerFacts> servers, List<string> problems)
    {
        foreach (var server in servers.Where(s => s.Config is not null))
        {
            if (server.Version is { } version && version.StartsWith("3.4.", StringComparison.Ordinal))
            {
                continue;
            }

            var whitelist = server.Property("4lw.commands.whitelist");
            var allowed = (whitelist ?? "srvr").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            if (allowed.Contains("*"))
            {
                continue;
            }

            var missing = NeededWords.Where(w => !allowed.Contains(w)).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"{server.Name}: 4lw.commands.whitelist {(whitelist is null ? "is not set (ZooKeeper 3.5+ then allows srvr only)" : $"is '{whitelist}'")}, it lacks {string.Join(", ", missing)}; the run reads srvr (modes, zxids), mntr (a leader's synced learners) and cons (the sessions): add them");
            }
        }
    }

    /// <summary>
    /// A destination node receives the source's whole tree (a snapshot) and then its txn logs: it needs at least what a
    /// source node holds today (snapshots and txn logs, kept by the source's own purge settings, which the destination's
    /// zoo.cfg keeps).
    /// </summary>
    private static void FreeDisk(IReadOnlyList<ServerFacts> servers, List<string> problems, List<string> notes)
    {
        var largest = servers.Where(s => s.Source && s.DataDir is not null)
            .Select(s => (s.Name, Snapshots: s.DataDir!.Snapshots.Sum(f => f.Size), Logs: s.DataDir.TxnLogs.Sum(f => f.Size)))
            .OrderByDescending(s => s.Snapshots + s.Logs).FirstOrDefault();
        if (largest.Name is null)
        {
            notes.Add("free disk is not checked: no source node's data dir could be read");
            return;
        }

        foreach (var destination in servers.Where(s => !s.Source && s.DataDir is not null))
        {
            var dataDir = destination.DataDir!;
            var sameDirectory = dataDir.DataLogDir.Length == 0 || dataDir.DataLogDir == dataDir.DataDir;
            var needs = sameDirectory
                ? new[] { (Directory: dataDir.DataDir, Free: dataDir.DataDirFreeBytes, Needed: largest.Snapshots + largest.Logs) }
                : [(dataDir.DataDir, dataDir.DataDirFreeBytes, largest.Snapshots), (dataDir.DataLogDir, dataDir.DataLogDirFreeBytes, largest.Logs)];
            foreach (var (directory, free, needed) in needs)
            {
                if (free < 0)
                {
                    notes.Add($"{destination.Name}: free space of {directory} unknown (the agent could not ask its filesystem)");
                }
                else if (free < needed)
                {
                    problems.Add($"{destination.Name}: {Bytes(free)} free for {directory}, but {largest.Name} holds {Bytes(needed)} of snapshots and txn logs that the destination will hold too");
                }
            }
        }
    }

    private static void ClockSkew(IEnumerable<(string Name, TimedDescription? Description)> agents, List<string> problems)
    {
        foreach (var (name, description) in agents)
        {
            if (description?.Skew is not { } skew)
            {
                continue;
            }

            // The true skew lies within the uncertainty of the measured one: only what is certainly beyond the bound counts.
            if (skew.Duration() - description.Uncertainty > MaxClockSkew)
            {
                problems.Add($"{name}: its clock is {Seconds(skew.Duration())} s {(skew > TimeSpan.Zero ? "ahead of" : "behind")} the coordinator's (±{Seconds(description.Uncertainty)} s), more than {Seconds(MaxClockSkew)} s: the report compares barrier instants and gaps across hosts and the agents expire leases by their clocks; synchronise the clocks (NTP)");
            }
        }
    }

    /// <summary>
    /// ZooKeeper refuses a connection from a client address that already has <c>maxClientCnxns</c> connections to that
    /// server (0: no limit). After the switch every broker session goes to the destination, and in the worst case all
    /// of one address's sessions land on the same destination node.
    /// </summary>
    private static void MaxClientConnections(MigrationPlan plan, IReadOnlyList<ServerFacts> servers, List<string> problems)
    {
        var brokerHosts = plan.Brokers.Select(b => b.Host).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var moving = servers.Where(s => s.Source && s.Status is not null)
            .SelectMany(s => s.Status!.Connections.Select(c => c.Address))
            .Where(brokerHosts.Contains)
            .GroupBy(a => a, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Address: g.Key, Count: g.Count()))
            .OrderByDescending(g => g.Count).FirstOrDefault();
        var sourceLimits = servers.Where(s => s.Source && s.Config is not null).Select(Limit).ToList();
        var sourceLimit = sourceLimits.Count == 0 ? (int?)null : sourceLimits.Contains(0) ? 0 : sourceLimits.Max();
        foreach (var destination in servers.Where(s => !s.Source && s.Config is not null))
        {
            var limit = Limit(destination);
            if (limit == 0)
            {
                continue;
            }

            if (moving.Address is not null && moving.Count > limit)
            {
                problems.Add($"{destination.Name}: maxClientCnxns is {limit}, but broker host {moving.Address} has {moving.Count} sessions on the source that move to the destination; ZooKeeper refuses connections past the limit per client address");
            }
            else if (sourceLimit is { } source && (source == 0 || limit < source))
            {
                problems.Add($"{destination.Name}: maxClientCnxns is {limit}, lower than the source's {(source == 0 ? "0 (no limit)" : source.ToString(CultureInfo.InvariantCulture))}: a client the source serves today can be refused once it moves");
            }
        }
    }

    private static int Limit(ServerFacts server) =>
        int.TryParse(server.Property("maxClientCnxns"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) ? limit : DefaultMaxClientCnxns;

    /// <summary>
    /// Observers sync by the leader's snapshot and txn format and speak its quorum protocol; a joint ensemble of
    /// different major.minor versions is a rolling upgrade ZooKeeper supports only one minor version at a time, and
    /// the destination then serves the source's data with its own version. Same major.minor everywhere.
    /// </summary>
    private static void Versions(IReadOnlyList<ServerFacts> servers, List<string> problems, List<string> notes)
    {
        var known = servers.Where(s => s.Version is not null).Select(s => (s.Name, s.Version, MajorMinor: MajorMinor(s.Version!))).ToList();
        var reference = known.FirstOrDefault(k => servers.Any(s => s.Source && s.Name == k.Name));
        foreach (var other in known.Where(k => reference.Name is not null && k.MajorMinor != reference.MajorMinor))
        {
            problems.Add($"{other.Name}: ZooKeeper {other.Version}, but {reference.Name} runs {reference.Version}: every node of the joint ensemble needs the same major.minor (observers sync by the leader's snapshot format and quorum protocol)");
        }

        foreach (var unknown in servers.Where(s => s.Version is null && s.Description is not null))
        {
            notes.Add($"{unknown.Name}: ZooKeeper version unknown while the server does not answer srvr; it must be {(reference.Name is null ? "the source's" : $"{reference.MajorMinor}.x like the source")}");
        }
    }

    private static string MajorMinor(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2 ? $"{parts[0]}.{parts[1]}" : version;
    }

    private static string Bytes(long bytes) => bytes >= 1 << 20
        ? $"{(bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)} MiB"
        : $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
