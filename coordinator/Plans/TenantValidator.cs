using System.Text.RegularExpressions;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// The static checks of a plan's tenants (the <c>kafka:</c> shorthand's included): names, chroots that do not overlap,
/// hosts that are neither shared nor ZooKeeper servers, brokers' ids, registration paths. Field paths name the plan
/// file's own section (<c>kafka.brokers[1].agent</c>, <c>tenants[2].chroot</c>).
/// </summary>
internal static partial class TenantValidator
{
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,31}\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\A[A-Za-z0-9._\-]{1,64}\z")]
    private static partial Regex ConfigIdPattern();

    public static void Validate(MigrationPlan plan, List<PlanProblem> problems)
    {
        var serverAgents = plan.Source.Concat(plan.Destination).Select(s => s.Agent).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var seenNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var seenAgents = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (plan.Tenants.Count > 0 && !plan.Tenants.Any(t => t.Moves))
        {
            problems.Add(new("tenants", "no tenant moves (every one has moves: false)"));
        }

        if (plan.Tenants.Count(t => t.Moves && t.Preset == TenantPreset.Kafka) > 1)
        {
            problems.Add(new("tenants", "moves two Kafka tenants; move one Kafka cluster per plan"));
        }

        foreach (var tenant in plan.Tenants)
        {
            var shorthand = tenant.PlanPath == "kafka";
            var at = tenant.PlanPath;
            if (!NamePattern().IsMatch(tenant.Name))
            {
                problems.Add(new($"{at}.name", $"must match [a-z0-9][a-z0-9-]{{0,31}}, not {PlanProblem.Quote(tenant.Name)}"));
            }
            else if (!seenNames.TryAdd(tenant.Name, at))
            {
                problems.Add(new($"{at}.name", $"tenant name {tenant.Name} is used twice (also {seenNames[tenant.Name]})"));
            }

            PlanValidator.ValidateChroot(tenant.Chroot, problems, shorthand ? "chroot" : $"{at}.chroot");
            ValidateHosts(tenant, shorthand ? "kafka.brokers" : $"{at}.hosts", serverAgents, seenAgents, problems);
            if (tenant.Connect.ConfigId is { } configId && !ConfigIdPattern().IsMatch(configId))
            {
                problems.Add(new($"{at}.connect.configId", $"must be 1-64 letters, digits and '._-', not {PlanProblem.Quote(configId)}"));
            }

            var health = tenant.Health;
            if (!health.RegistrationPath.StartsWith('/') || health.RegistrationPath.Any(char.IsControl) || health.RegistrationPath.Contains("//", StringComparison.Ordinal))
            {
                problems.Add(new($"{at}.health.path", $"must be an absolute path under the chroot such as /live_nodes, not {PlanProblem.Quote(health.RegistrationPath)}"));
            }

            if (health.Child is { } child && (child.Length == 0 || child.Contains('/', StringComparison.Ordinal) || child.Any(char.IsControl)))
            {
                problems.Add(new($"{at}.health.child", $"must be one znode name, not {PlanProblem.Quote(child)}"));
            }
        }

        // Two tenants in one subtree cannot be told apart by the switch or the cleanup.
        var chroots = plan.Tenants.Select(t => (t.Chroot, t.PlanPath)).ToList();
        for (var i = 0; i < chroots.Count; i++)
        {
            for (var j = i + 1; j < chroots.Count; j++)
            {
                if (Overlap(chroots[i].Chroot, chroots[j].Chroot))
                {
                    problems.Add(new($"{chroots[j].PlanPath}.chroot", $"{chroots[j].Chroot} overlaps {chroots[i].Chroot} of {chroots[i].PlanPath}; tenants' subtrees must be disjoint"));
                }
            }
        }
    }

    private static bool Overlap(string a, string b) =>
        a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);

    private static void ValidateHosts(TenantSpec tenant, string at, HashSet<string> serverAgents, Dictionary<string, string> seenAgents, List<PlanProblem> problems)
    {
        if (tenant.Hosts.Count == 0 && tenant.Moves)
        {
            problems.Add(new(at, tenant.Preset == TenantPreset.Kafka ? "must list at least one broker" : "must list at least one host"));
        }

        var seenIds = new Dictionary<int, int>();
        foreach (var (host, i) in tenant.Hosts.Select((h, i) => (h, i)))
        {
            if (host.Id is { } id && !seenIds.TryAdd(id, i))
            {
                problems.Add(new($"{at}[{i}].id", $"broker id {id} is used twice (also {at}[{seenIds[id]}])"));
            }

            if (PlanValidator.EndpointProblem(host.Agent) is { } agentProblem)
            {
                problems.Add(new($"{at}[{i}].agent", agentProblem));
            }
            else if (!seenAgents.TryAdd(host.Agent, $"{at}[{i}]"))
            {
                problems.Add(new($"{at}[{i}].agent", $"agent {host.Agent} is listed twice (also {seenAgents[host.Agent]})"));
            }
            else if (serverAgents.Contains(host.Agent))
            {
                problems.Add(new($"{at}[{i}].agent", $"agent {host.Agent} is a ZooKeeper server's agent; tenant hosts must run on their own hosts"));
            }
        }
    }
}
