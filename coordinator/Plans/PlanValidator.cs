using System.Net;
using System.Text.RegularExpressions;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// The static checks of a parsed plan: everything that can be refused without asking the world. Every problem
/// is collected, each with the path of the field that is wrong.
/// </summary>
public static partial class PlanValidator
{
    // \z, not $: $ also matches before a final newline, so "name\n" would pass.
    [GeneratedRegex("^[a-z0-9-]{3,64}\\z")]
    private static partial Regex PlanIdPattern();

    /// <summary>Whether <paramref name="planId"/> is a valid plan id: <c>[a-z0-9-]{3,64}</c>, nothing else (no trailing newline).</summary>
    public static bool IsPlanId(string planId) => PlanIdPattern().IsMatch(planId);

    public static IReadOnlyList<PlanProblem> Validate(MigrationPlan plan)
    {
        var problems = new List<PlanProblem>();
        if (!IsPlanId(plan.PlanId))
        {
            problems.Add(new("planId", $"must match [a-z0-9-]{{3,64}}, not {PlanProblem.Quote(plan.PlanId)}"));
        }

        ValidateServers(plan, problems);
        TenantValidator.Validate(plan, problems);
        ValidateStrategy(plan, problems);
        CopyPlanValidator.Validate(plan, problems);
        ValidateTls(plan.Tls, problems);
        SecurityValidator.Validate(plan, problems);
        if (plan.Intervals.Poll > plan.Timeouts.ServerStart)
        {
            problems.Add(new("intervals.poll", "must be shorter than timeouts.serverStart"));
        }

        if (plan.Timeouts.StopGrace >= plan.Timeouts.ServerStart)
        {
            problems.Add(new("timeouts.stopGrace", "must be shorter than timeouts.serverStart (the bound on a stop)"));
        }

        return problems;
    }

    internal static void ValidateChroot(string chroot, List<PlanProblem> problems, string field = "chroot")
    {
        if (chroot == "/")
        {
            problems.Add(new(field, "must be a tenant's subtree, not the root '/'"));
        }
        else if (!chroot.StartsWith('/') || chroot.EndsWith('/') || chroot.Contains("//", StringComparison.Ordinal)
            || chroot.Split('/').Skip(1).Any(part => part is "." or ".." || part.Any(char.IsControl)))
        {
            problems.Add(new(field, $"must be an absolute ZooKeeper path such as /kafka, not {PlanProblem.Quote(chroot)}"));
        }
        else if (chroot == "/zookeeper" || chroot.StartsWith("/zookeeper/", StringComparison.Ordinal))
        {
            problems.Add(new(field, "must not be ZooKeeper's own /zookeeper subtree"));
        }
    }

    private static void ValidateServers(MigrationPlan plan, List<PlanProblem> problems)
    {
        var all = plan.Source.Select((s, i) => (Server: s, Path: $"source.servers[{i}]"))
            .Concat(plan.Destination.Select((d, i) => (Server: d, Path: $"destination.servers[{i}]")))
            .ToList();
        // Strategy copy never joins the two ensembles: each keeps its own server ids, which may then be the same.
        var joins = plan.Strategy != MigrationStrategy.Copy;
        foreach (var group in all.GroupBy(x => x.Server.Id).Where(g => joins && g.Count() > 1))
        {
            foreach (var duplicate in group.Skip(1))
            {
                problems.Add(new($"{duplicate.Path}.id", $"server id {group.Key} is used twice (also {group.First().Path})"));
            }
        }

        // Two servers cannot listen on the same address and port, whichever of their three ports collides.
        var endpoints = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (server, path) in all)
        {
            if (!IsHost(server.Host))
            {
                problems.Add(new($"{path}.host", $"{PlanProblem.Quote(server.Host)} is not a host name or IP address (an IPv6 address without brackets: fd00::11)"));
            }

            var ports = new[] { (server.ClientPort, "clientPort"), (server.QuorumPort, "quorumPort"), (server.ElectionPort, "electionPort") }.ToList();
            if (server.SecureClientPort is { } securePort)
            {
                ports.Add((securePort, "secureClientPort"));
            }

            if (ports.Select(p => p.Item1).Distinct().Count() != ports.Count)
            {
                problems.Add(new(path, server.SecureClientPort is null ? "clientPort, quorumPort and electionPort must differ" : "clientPort, secureClientPort, quorumPort and electionPort must differ"));
            }

            foreach (var (port, field) in ports)
            {
                var key = new HostEndpoint(HostEndpoint.CanonicalHost(server.Host), port).ToString();
                if (!endpoints.TryAdd(key, $"{path}.{field}") && endpoints[key] != $"{path}.{field}")
                {
                    if (!endpoints[key].StartsWith(path + ".", StringComparison.Ordinal))
                    {
                        problems.Add(new($"{path}.{field}", $"address {key} is already used by {endpoints[key]}"));
                    }
                }
            }

            if (EndpointProblem(server.Agent) is { } agentProblem)
            {
                problems.Add(new($"{path}.agent", agentProblem));
            }
        }

        foreach (var group in all.GroupBy(x => x.Server.Agent, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            foreach (var duplicate in group.Skip(1))
            {
                problems.Add(new($"{duplicate.Path}.agent", $"agent {group.Key} is listed for two servers (also {group.First().Path})"));
            }
        }

        if (joins && plan.Source.Count > 0)
        {
            var highestSource = plan.Source.Max(s => s.Id);
            foreach (var (server, i) in plan.Destination.Select((d, i) => (d, i)))
            {
                if (server.Id <= highestSource)
                {
                    problems.Add(new($"destination.servers[{i}].id", $"destination id {server.Id} must be above every source id (highest source id is {highestSource})"));
                }
            }
        }
    }

    private static void ValidateStrategy(MigrationPlan plan, List<PlanProblem> problems)
    {
        if (plan.Strategy != MigrationStrategy.Participant)
        {
            return;
        }

        var destinationIds = plan.Destination.Select(d => d.Id).ToHashSet();
        foreach (var (id, i) in plan.Joiners.Select((id, i) => (id, i)))
        {
            if (!destinationIds.Contains(id))
            {
                problems.Add(new($"participant.joiners[{i}]", $"{id} is not a destination server id"));
            }
        }

        if (plan.Joiners.Distinct().Count() != plan.Joiners.Count)
        {
            problems.Add(new("participant.joiners", "lists an id twice"));
        }

        var n = plan.Source.Count;
        var m = plan.Destination.Count;
        if (plan.Joiners.Count == 0)
        {
            problems.Add(new("participant.joiners", $"no number of joiners is safe for {n} source and {m} destination nodes: it needs ⌈m/2⌉ ≤ k ≤ n−1 (use strategy: observer)"));
            return;
        }

        foreach (var violation in QuorumMath.ParticipantViolations(n, m, plan.Joiners.Distinct().Count()))
        {
            problems.Add(new("participant.joiners", violation));
        }
    }

    private static void ValidateTls(TlsSpec tls, List<PlanProblem> problems)
    {
        if (tls.Insecure)
        {
            return;
        }

        foreach (var (file, field) in new[] { (tls.Ca, "ca"), (tls.Certificate, "certificate"), (tls.Key, "key") })
        {
            if (file is not null && !File.Exists(file))
            {
                problems.Add(new($"tls.{field}", $"file {file} does not exist"));
            }
        }
    }

    /// <summary>A host name or an IP address, written bare: a plan's <c>host</c> is rendered with brackets where ZooKeeper needs them.</summary>
    private static bool IsHost(string host) =>
        !host.Any(char.IsControl) && !host.StartsWith('[') && IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns;

    /// <summary>Why <paramref name="endpoint"/> is not <c>host:port</c> (an IPv6 host as <c>[address]:port</c>), or null.</summary>
    internal static string? EndpointProblem(string endpoint)
    {
        if (!HostEndpoint.TryParse(endpoint, null, out var parsed, out var problem))
        {
            return $"must be host:port or [IPv6]:port: {problem}";
        }

        return IsHost(parsed.Host) ? null : $"must be host:port, and {PlanProblem.Quote(parsed.Host)} is not a host name or IP address";
    }
}
