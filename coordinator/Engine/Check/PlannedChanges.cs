using System.Globalization;
using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Coordinator.Engine.Check;

/// <summary>
/// The files each host's agent will write during the run and the firewall rules the cut adds, rendered by the agents
/// themselves (RenderPlannedFiles: the same code as the writes) from the member lists the steps send
/// (<see cref="MemberSets"/>, <see cref="ZooConfig.WithMembers"/>); and the order of the restarts.
/// </summary>
internal static class PlannedChanges
{
    /// <summary>One zoo.cfg write of a step: its member list and whether the node is an observer.</summary>
    private sealed record ConfigStage(string Step, IReadOnlyList<ZooKeeperServerSpec> Members, bool Observer, bool WritesMyId);

    /// <summary>Every host of the plan with what the run writes there; a host whose agent could not answer is reported in <paramref name="problems"/>.</summary>
    public static async Task<IReadOnlyList<HostPlan>> ForHostsAsync(MigrationPlan plan, Func<string, GrpcHostAgent> agents, List<string> problems, CancellationToken cancellationToken)
    {
        var cut = GrpcHostAgent.CutRequest(CutStep.Peers(plan), []);
        IReadOnlyDictionary<string, string> security = new Dictionary<string, string>();
        try
        {
            security = await DestinationSecurity.ReadAsync(agents, plan, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            Add(problems, $"cannot read the source's security settings: {e.Message}");
        }

        var zooKeeper = plan.Source.Select(s => (Server: s, Role: $"source server {Id(s.Id)}", Stages: Stages(plan, s, source: true), Security: (IReadOnlyDictionary<string, string>)new Dictionary<string, string>()))
            .Concat(plan.Destination.Select(d => (Server: d, Role: $"destination server {Id(d.Id)}", Stages: Stages(plan, d, source: false), Security: security)));
        var hosts = zooKeeper.Select(z => ForServerAsync(z.Server, z.Role, z.Stages, z.Security, plan.Destination.Contains(z.Server) ? cut : null, agents(z.Server.Agent), problems, cancellationToken))
            .Concat(plan.MovedTenants.SelectMany(t => t.Hosts.Select(h => ForTenantHostAsync(plan, t, h, agents(h.Agent), problems, cancellationToken))));
        return await Task.WhenAll(hosts).ConfigureAwait(false);
    }

    /// <summary>The restarts of the run, in order (the election's waves are decided from the zxids on disk at that moment).</summary>
    public static IReadOnlyList<string> RestartOrder(MigrationPlan plan, int? sourceLeader)
    {
        var order = new List<string>();
        if (plan.Strategy == MigrationStrategy.Observer)
        {
            order.AddRange(plan.Destination.Select(d => $"join: start destination server {Id(d.Id)} ({d.Host}) as an observer of the source, once the one before has caught up"));
        }
        else
        {
            order.AddRange(plan.Destination.Where(d => plan.Joiners.Contains(d.Id)).Select(d => $"join: start joiner {Id(d.Id)} ({d.Host}) as a voter of the joint ensemble"));
            var leader = plan.Source.FirstOrDefault(s => s.Id == sourceLeader);
            order.AddRange(plan.Source.Where(s => s != leader).Select(s => $"join: restart source server {Id(s.Id)} ({s.Host}) with the joint members, once every voter is synced"));
            order.Add(leader is null
                ? "join: restart the source's leader last (no single leader is seen now)"
                : $"join: restart source server {Id(leader.Id)} ({leader.Host}), the current leader, last");
        }

        order.AddRange(plan.MovedTenants.SelectMany(t => t.Hosts.Select(h => t.Preset == TenantPreset.Kafka && h.Id is { } id
            ? $"{SwitchHostStep.StepIdFor(t, h)}: restart broker {Id(id)} ({h.Host}) with zookeeper.connect set to the destination, once every partition is healthy"
            : $"{SwitchHostStep.StepIdFor(t, h)}: restart {t.Name} on {h.Host} with its connect string set to the destination, once {t.Health.Describe(t.Chroot)}")));
        order.Add($"elect: stop every destination server ({string.Join(", ", plan.Destination.Select(d => Id(d.Id)))}) at once; start a quorum led by the highest zxid on disk by barrier, then the rest once it leads");
        if (plan.Strategy == MigrationStrategy.Participant)
        {
            order.AddRange(plan.Source.OrderByDescending(s => s.Id).Select(s => $"restart-source: restart source server {Id(s.Id)} ({s.Host}) with the source's own members (highest id first)"));
        }

        return order;
    }

    /// <summary>The zoo.cfg writes of <paramref name="server"/>, in step order (StepList: join, elect, restart-source).</summary>
    private static IReadOnlyList<ConfigStage> Stages(MigrationPlan plan, ServerSpec server, bool source)
    {
        var stages = new List<ConfigStage>();
        if (plan.Strategy == MigrationStrategy.Observer)
        {
            if (!source)
            {
                stages.Add(new ConfigStage("join", MemberSets.ObserverJoin(plan), Observer: true, WritesMyId: true));
                stages.Add(new ConfigStage("elect", MemberSets.DestinationOnly(plan), Observer: false, WritesMyId: false));
            }

            return stages;
        }

        if (source || plan.Joiners.Contains(server.Id))
        {
            stages.Add(new ConfigStage("join", MemberSets.ParticipantJoin(plan), Observer: false, WritesMyId: true));
        }

        stages.Add(source
            ? new ConfigStage("restart-source", MemberSets.SourceOnly(plan), Observer: false, WritesMyId: false)
            : new ConfigStage("elect", MemberSets.DestinationOnly(plan), Observer: false, WritesMyId: false));
        return stages;
    }

    private static async Task<HostPlan> ForServerAsync(
        ServerSpec server, string role, IReadOnlyList<ConfigStage> stages, IReadOnlyDictionary<string, string> security, IsolateRequest? cut, GrpcHostAgent agent, List<string> problems, CancellationToken cancellationToken)
    {
        var files = new List<PlannedFileChange>();
        string? backend = null;
        var rules = new List<string>();
        try
        {
            var current = await agent.ReadConfigAsync("zoo.cfg", cancellationToken).ConfigureAwait(false);
            var main = current.Main.Content;
            var dynamic = current.Dynamic?.Content;
            foreach (var stage in stages)
            {
                var request = new RenderPlannedFilesRequest { ZooCfgContent = ZooConfig.WithMembers(main, stage.Members, stage.Observer) };
                request.SourceSecurity.Add(security.ToDictionary());
                if (stage.WritesMyId)
                {
                    request.ServerId = server.Id;
                }

                var rendered = await agent.RenderPlannedFilesAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var file in rendered.Files)
                {
                    // A later stage's "before" is what the earlier stage leaves, not the file on disk today.
                    var before = file.Kind switch
                    {
                        // migrate check prints this: the file as read carries its inline passwords, the agent's rendering masks them.
                        "zoo.cfg" => ZooKeeperSecurityKeys.Mask(main),
                        "dynamic" => dynamic ?? (file.Exists ? file.CurrentContent : ""),
                        _ => file.Exists ? file.CurrentContent : "",
                    };
                    files.Add(Change(stage.Step, file, before));
                    if (file.Kind == "zoo.cfg")
                    {
                        main = file.PlannedContent;
                    }
                    else if (file.Kind == "dynamic")
                    {
                        dynamic = file.PlannedContent;
                    }
                }
            }

            if (cut is not null)
            {
                var rendered = await agent.RenderPlannedFilesAsync(new RenderPlannedFilesRequest { Isolate = cut }, cancellationToken).ConfigureAwait(false);
                backend = rendered.FirewallBackend;
                rules.AddRange(rendered.FirewallRules);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Add(problems, $"{role} ({server.Host}): cannot render the files the run writes: {e.Message}");
        }

        return new HostPlan(server.Host, server.Agent, role, files, backend, rules);
    }

    /// <summary>
    /// The connect-string edit of one moved tenant's host, rendered by its agent from the same request its switch sends:
    /// Kafka's server.properties (no tenant config), else the tenant's config file by id, in its format.
    /// </summary>
    private static async Task<HostPlan> ForTenantHostAsync(MigrationPlan plan, TenantSpec tenant, TenantHost host, GrpcHostAgent agent, List<string> problems, CancellationToken cancellationToken)
    {
        var files = new List<PlannedFileChange>();
        var role = tenant.Preset == TenantPreset.Kafka && host.Id is { } id ? $"broker {Id(id)}" : $"{tenant.Name} host {tenant.Hosts.ToList().IndexOf(host) + 1}";
        try
        {
            var request = new RenderPlannedFilesRequest { KafkaZookeeperConnect = plan.DestinationConnectFor(tenant) };
            if (tenant.Connect.ConfigId is not null)
            {
                request.TenantConfig = GrpcHostAgent.TenantConfigOf(tenant.Connect);
            }

            var rendered = await agent.RenderPlannedFilesAsync(request, cancellationToken).ConfigureAwait(false);
            files.AddRange(rendered.Files.Select(f => Change(SwitchHostStep.StepIdFor(tenant, host), f, f.CurrentContent)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Add(problems, $"{role} ({host.Host}): cannot render the files the run writes: {e.Message}");
        }

        return new HostPlan(host.Host, host.Agent, role, files, null, []);
    }

    private static PlannedFileChange Change(string step, PlannedFile file, string before) =>
        new(step, file.Kind, file.Path, before != file.PlannedContent, UnifiedDiff.Create(before, file.PlannedContent, $"{file.Path} (before {step})", $"{file.Path} (after {step})"));

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static void Add(List<string> problems, string problem)
    {
        lock (problems)
        {
            problems.Add(problem);
        }
    }
}
