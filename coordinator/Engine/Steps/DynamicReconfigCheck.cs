using System.Globalization;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Preflight's check for a source that runs ZooKeeper's dynamic reconfiguration (3.5.3+, <c>reconfigEnabled=true</c>).
/// Such a source keeps its member list in a dynamic config file it rewrites itself and hands that list to every
/// server that syncs with it: an observer joined by static <c>server.N</c> lines is re-labelled by the leader's
/// config and syncs as a follower (the join then waits for an observer that never appears: 210 s in the lab), and
/// the participant strategy's file edits are replaced by the leader's newer config version. Refusing before
/// anything changes is the honest answer until a strategy that joins with <c>reconfig -add</c> exists.
/// </summary>
internal static class DynamicReconfigCheck
{
    /// <summary>
    /// Whether a <c>zoo.cfg</c> text enables dynamic reconfiguration. ZooKeeper reads the key with Java's
    /// <c>Boolean.parseBoolean</c> (QuorumPeerConfig), so any case of <c>true</c> counts and anything else is false.
    /// </summary>
    public static bool Enabled(string zooCfg) =>
        string.Equals(ZooConfig.Value(zooCfg, "reconfigEnabled"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The one-line reason <paramref name="strategy"/> cannot migrate a source whose servers
    /// <paramref name="reconfigServers"/> run with <c>reconfigEnabled=true</c>, or null when none does.
    /// Every strategy of this version edits member lines in files, so every one is refused; the reason says so.
    /// </summary>
    public static string? Refusal(MigrationStrategy strategy, IReadOnlyCollection<int> reconfigServers)
    {
        if (reconfigServers.Count == 0)
        {
            return null;
        }

        var servers = string.Join(", ", reconfigServers.Order().Select(id => id.ToString(CultureInfo.InvariantCulture)));
        var why = strategy switch
        {
            MigrationStrategy.Observer => "a destination node joined by static config lines is handed the source's dynamic member list and syncs as a follower, never as an observer",
            _ => "the source's servers replace the joint member lines written into zoo.cfg by their own dynamic config",
        };
        return $"source server(s) {servers} run with reconfigEnabled=true (dynamic reconfiguration): the {strategy.ToString().ToLowerInvariant()} strategy cannot migrate it ({why}); "
            + "no strategy of this version can yet (one that joins with reconfig -add is planned, issue 17)";
    }

    /// <summary>Reads every source server's <c>zoo.cfg</c> through its agent and returns <see cref="Refusal"/>, or null.</summary>
    /// <remarks>
    /// The agent's file, not the <c>conf</c> four-letter word: <c>conf</c> is off ZooKeeper's 3.5+ default
    /// whitelist, and the file is what the server will read at its next start. A server whose file cannot be read
    /// is reported by preflight's other checks (its agent is unreachable), not here.
    /// </remarks>
    public static async Task<string?> CheckAsync(StepContext context, CancellationToken cancellationToken)
    {
        var reads = await Task.WhenAll(context.Plan.Source.Select(async s =>
        {
            try
            {
                var config = await context.Agent(s.Agent).ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
                return Enabled(config.Content) ? s.Id : (int?)null;
            }
            catch (Agents.AgentCallException)
            {
                return null;
            }
        })).ConfigureAwait(false);
        return Refusal(context.Plan.Strategy, reads.OfType<int>().ToList());
    }
}
