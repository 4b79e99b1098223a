using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Step 1: checks the world against the plan and collects every problem before anything is changed.
/// </summary>
internal sealed class PreflightStep : PreflightStepBase
{
    public override string Title => "Preflight: agents, versions, source health, destination empty and stopped, brokers, connectivity";

    public override IReadOnlyList<string> ChecksAfter =>
    [
        "source: one leader, every other node following, srvr usable on every node",
        "destination: every node stopped, its data dir empty (no snapshot or txn log)",
        "brokers: zookeeper.connect is the source plus the chroot",
        "destination → source: client and election ports of every source node and the leader's quorum port reachable",
        "the chroot exists on the source",
        "source: reconfigEnabled is not true in any server's zoo.cfg (this version's strategies edit member lines in files)",
        "jute.maxbuffer of every destination server at least the source's (as each agent reads it from the JVM's options)",
        "source: what its zoo.cfg requires (quorum TLS, quorum SASL, SASL sessions, TLS-only clients) the plan provides",
    ];

    protected override Task<IReadOnlyList<string>> CheckAsync(StepContext context, CancellationToken cancellationToken) => FindProblemsAsync(context, cancellationToken);

    /// <summary>
    /// Every preflight check, each run whatever the others found, and every problem they found (empty: the world is
    /// as the plan needs). Read only: the run's preflight and <c>migrate check</c> share it.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> FindProblemsAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var problems = new List<string>();
        await Task.WhenAll(
            CheckAgentsAsync(context, problems, cancellationToken),
            CheckDestinationAsync(context, problems, cancellationToken),
            CheckBrokersAsync(context, problems, cancellationToken)).ConfigureAwait(false);
        // Names are resolved again, once, at the cut (the firewall rules use the addresses); a name that resolves to
        // nothing now would stop the migration after the point of no return.
        var servers = plan.Source.Select(s => (s.Host, What: $"source server {s.Id}")).Concat(plan.Destination.Select(d => (d.Host, What: $"destination server {d.Id}"))).ToList();
        var resolved = await HostAddresses.ResolveAsync(servers.Select(s => s.Host), context.Services.ResolveHost, cancellationToken).ConfigureAwait(false);
        problems.AddRange(HostAddresses.Unresolved(resolved, host => string.Join(", ", servers.Where(s => s.Host == host).Select(s => s.What))));
        if (await DynamicReconfigCheck.CheckAsync(context, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            problems.Add(refusal);
        }

        JuteMaxBufferCheck.CompareValues(await JuteMaxBufferCheck.ReadAsync(context, sourceToo: true, cancellationToken).ConfigureAwait(false), problems, notes: null);
        problems.AddRange(await SecurityPreflight.CheckAsync(context, cancellationToken).ConfigureAwait(false));

        var (source, leader, _) = await CheckServingAsync(context, "source", plan.Source, standaloneAllowed: false, problems, cancellationToken).ConfigureAwait(false);
        if (leader is not null)
        {
            foreach (var (id, observation) in source.Where(o => o.Key != leader && o.Value.Serving && o.Value.Mode != "follower"))
            {
                problems.Add($"source server {id}: mode {observation.Mode}, expected follower");
            }

            await CheckConnectivityAsync(context, plan.Source.First(s => s.Id == leader), problems, cancellationToken).ConfigureAwait(false);
            try
            {
                if (!await context.Inspector.ExistsAsync(plan.Source, plan.Chroot, cancellationToken).ConfigureAwait(false))
                {
                    problems.Add($"chroot {plan.Chroot} does not exist on the source");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add($"source: cannot read {plan.Chroot}: {e.Message}");
            }
        }

        return problems;
    }

    internal static async Task CheckAgentsAsync(StepContext context, List<string> problems, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var source = plan.Source.Select(s => s.Id).ToHashSet();
        var destinationHosts = plan.Destination.ToDictionary(d => d.Agent, d => d.Host, StringComparer.Ordinal);
        var expected = plan.Source.Concat(plan.Destination).Select(s => (s.Agent, Role: "zookeeper", Id: (int?)s.Id))
            .Concat(plan.Brokers.Select(b => (b.Agent, Role: "kafka", Id: (int?)null)));
        await Task.WhenAll(expected.Select(async e =>
        {
            try
            {
                var description = await context.Agent(e.Agent).DescribeAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(description.Role, e.Role, StringComparison.OrdinalIgnoreCase))
                {
                    Add(problems, $"agent {e.Agent}: role is {description.Role}, the plan needs {e.Role}");
                }

                // A source node's myid is the id its peers know it by: the member lines the run writes use the plan's id,
                // so a different myid would make the joint configuration name a server that does not exist. (A
                // destination node's myid is written by the run; its diff shows.)
                if (e.Id is { } id && source.Contains(id) && description.ServerId is { } myId && myId != id)
                {
                    Add(problems, $"agent {e.Agent}: source server {id}'s myid is {myId}; the plan gives it id {id}");
                }

                // Abort resets a destination's data dir only where the agent finds the plan's host among its own names
                // (the lease's destination list): found out here, not when an abort needs it. An agent that reports no
                // addresses (an earlier version) is not judged.
                if (destinationHosts.TryGetValue(e.Agent, out var host) && description.Addresses.Count > 0 && !description.KnowsHostAs(host))
                {
                    Add(problems, $"agent {e.Agent}: knows its host as {string.Join(", ", description.Names)}, not as '{host}' (the plan's host for destination server {e.Id}): an abort could not reset its data dir; add '{host}' to the agent's addresses");
                }

                if (e.Role == "zookeeper" && description.ProductVersion is { } version && !SupportsStrategy(version))
                {
                    Add(problems, $"agent {e.Agent}: ZooKeeper {version} cannot do the {plan.Strategy.ToString().ToLowerInvariant()} strategy (needs 3.4 or later)");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Add(problems, $"agent {e.Agent}: not reachable or not authenticated: {ex.Message}");
            }
        })).ConfigureAwait(false);
    }

    private static async Task CheckDestinationAsync(StepContext context, List<string> problems, CancellationToken cancellationToken)
    {
        await Task.WhenAll(context.Plan.Destination.Select(async d =>
        {
            try
            {
                var agent = context.Agent(d.Agent);
                var status = await agent.GetZooKeeperStatusAsync(cancellationToken).ConfigureAwait(false);
                if (status.Running)
                {
                    Add(problems, $"destination server {d.Id} ({d.Host}): ZooKeeper is running; the destination must be stopped");
                }

                var dataDir = await agent.InspectDataDirAsync(cancellationToken).ConfigureAwait(false);
                if (!dataDir.Empty)
                {
                    Add(problems, $"destination server {d.Id} ({d.Host}): data dir is not empty ({string.Join(", ", dataDir.Files.Take(5))}); the destination must be empty");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Add(problems, $"destination server {d.Id} ({d.Host}): cannot inspect: {ex.Message}");
            }
        })).ConfigureAwait(false);
    }

    internal static async Task CheckBrokersAsync(StepContext context, List<string> problems, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        await Task.WhenAll(plan.Brokers.Select(async b =>
        {
            try
            {
                var connect = await context.Agent(b.Agent).GetKafkaZooKeeperConnectAsync(cancellationToken).ConfigureAwait(false);
                if (!ConnectStrings.SameEnsemble(connect, plan.SourceConnect))
                {
                    Add(problems, $"broker {b.Id}: zookeeper.connect is '{connect}', not the source '{plan.SourceConnect}'");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Add(problems, $"broker {b.Id}: cannot read zookeeper.connect: {ex.Message}");
            }
        })).ConfigureAwait(false);

        // Every other moved tenant's hosts must point at the source as the product reads its connect string.
        var others = plan.MovedTenants.Where(t => t.Preset != Plans.TenantPreset.Kafka).SelectMany(t => t.Hosts.Select(h => (Tenant: t, Host: h)));
        await Task.WhenAll(others.Select(async x =>
        {
            var expected = plan.SourceConnectFor(x.Tenant);
            try
            {
                var connect = await context.Agent(x.Host.Agent).GetTenantConnectAsync(x.Tenant.Connect, cancellationToken).ConfigureAwait(false);
                if (!ConnectStrings.SameEnsemble(connect, expected))
                {
                    Add(problems, $"{x.Tenant.Name} on {x.Host.Agent}: {x.Tenant.Connect.Location} is '{connect}', not the source '{expected}'");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Add(problems, $"{x.Tenant.Name} on {x.Host.Agent}: cannot read {x.Tenant.Connect.Location}: {ex.Message}");
            }
        })).ConfigureAwait(false);
    }

    private static async Task CheckConnectivityAsync(StepContext context, ServerSpec leader, List<string> problems, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var targets = plan.Source.SelectMany(s => new[] { s.Endpoint(s.ClientPort), s.Endpoint(s.ElectionPort) })
            .Append(leader.Endpoint(leader.QuorumPort)).ToList();
        await Task.WhenAll(plan.Destination.Select(async d =>
        {
            try
            {
                var outcomes = await context.Agent(d.Agent).ProbeAsync(targets, TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
                foreach (var outcome in outcomes.Where(o => o.Result != "open"))
                {
                    Add(problems, $"destination server {d.Id} cannot reach {outcome.Target}: {outcome.Result}");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Add(problems, $"destination server {d.Id}: connectivity probe failed: {ex.Message}");
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Static observers (peerType) and the participant procedure both need ZooKeeper 3.4 or later.</summary>
    internal static bool SupportsStrategy(string version)
    {
        var parts = version.Split('.', '-');
        if (parts.Length < 2 || !int.TryParse(parts[0], out var major) || !int.TryParse(parts[1], out var minor))
        {
            return true;
        }

        return major > 3 || (major == 3 && minor >= 4);
    }
}
