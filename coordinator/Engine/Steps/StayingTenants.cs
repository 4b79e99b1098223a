using System.Globalization;
using System.Text.Json;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>A staying tenant at baseline: each host's connect string (agent → value) and each registration's owner session (path → session).</summary>
public sealed record StayingTenantBaseline(Dictionary<string, string?> Connects, Dictionary<string, long> Registrations);

/// <summary>
/// "Untouched" for a tenant that stays on the source (<c>moves: false</c>), checked by the engine while the tenant keeps
/// writing (docs/tenants.md). ZooKeeper does not record which session wrote a persistent znode, so "its data changed only
/// by its own writers" is checked by what the migration could do to it: the migration writes nothing on the source, so
/// it can only lose the tenant's writes (a source that truncates or rolls back: a znode found at an older modification
/// than at baseline) or its sessions (an expiry: a registration gone or owned by a new session); and it must not
/// switch the tenant's hosts (each connect string as it was, naming the source). Changes and deletions the tenant
/// makes itself are counted, not judged.
/// </summary>
internal static class StayingTenants
{
    private static string Key(TenantSpec tenant) => $"staying-{tenant.Name}";

    /// <summary>The side file holding the tenant's tree at baseline (path → Stat summary); too large for the journal.</summary>
    public static string FileName(TenantSpec tenant) => $"staying-{tenant.Name}-at-baseline.json";

    /// <summary>
    /// At baseline, before anything changes: each staying tenant's connect strings (read by its agents, no lease, no
    /// write), its registrations' owners and its tree on the source.
    /// </summary>
    /// <exception cref="StepFailedException">A staying host's agent cannot say its connect string: untouched could not be checked.</exception>
    public static async Task RecordAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        foreach (var tenant in plan.Tenants.Where(t => !t.Moves))
        {
            var connects = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var host in tenant.Hosts)
            {
                connects[host.Agent] = await ReadConnectAsync(context, tenant, host, cancellationToken).ConfigureAwait(false)
                    ?? throw new StepFailedException(BaselineStep.StepId, $"staying tenant {tenant.Name} on {host.Agent}: cannot read its {tenant.Connect.Location}: the run checks a staying tenant untouched and reads its connect string through its agent (read only)");
                if (!ConnectStrings.SameEnsemble(connects[host.Agent], plan.SourceConnectFor(tenant)))
                {
                    context.Warning($"staying tenant {tenant.Name} on {host.Agent}: its connect string is '{connects[host.Agent]}', not the source '{plan.SourceConnectFor(tenant)}'; verify expects it unchanged and on the source");
                }
            }

            var readFrom = await ClusterQueries.FollowersOrAllAsync(context, plan.Source, cancellationToken).ConfigureAwait(false);
            var registrations = await TenantHealthGate.ReadAsync(context, tenant, readFrom, cancellationToken).ConfigureAwait(false);
            var tree = await context.Inspector.SnapshotAsync(readFrom, tenant.Chroot, cancellationToken).ConfigureAwait(false);
            var path = context.SideFile(FileName(tenant));
            await File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(tree, Journal.JournalJson.Options), cancellationToken).ConfigureAwait(false);
            File.Move(path + ".tmp", path, overwrite: true);
            await context.ObserveAsync(Key(tenant), new StayingTenantBaseline(connects, registrations.ToDictionary(r => r.Path, r => r.SessionId)), cancellationToken).ConfigureAwait(false);
            context.Info($"staying tenant {tenant.Name}: {tree.Nodes.Count} znodes under {tenant.Chroot}, {registrations.Count} registration(s), {connects.Count} host(s) on the source");
        }
    }

    /// <summary>After the split: three checks per staying tenant (its hosts' connect strings, its sessions, its data), each passed only on evidence.</summary>
    public static async Task<IReadOnlyList<CheckResult>> CheckAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var checks = new List<CheckResult>();
        foreach (var tenant in plan.Tenants.Where(t => !t.Moves))
        {
            var before = context.Observed<StayingTenantBaseline>(BaselineStep.StepId, Key(tenant));
            var file = context.SideFile(FileName(tenant));
            if (before is null || !File.Exists(file))
            {
                checks.Add(new($"{tenant.Name}-untouched", false, "no baseline of the staying tenant recorded before the migration"));
                continue;
            }

            checks.Add(await CheckConnectsAsync(context, tenant, before, cancellationToken).ConfigureAwait(false));
            var readFrom = await ClusterQueries.FollowersOrAllAsync(context, plan.Source, cancellationToken).ConfigureAwait(false);
            checks.Add(await CheckSessionsAsync(context, tenant, before, readFrom, cancellationToken).ConfigureAwait(false));
            var atBaseline = JsonSerializer.Deserialize<ChrootSnapshot>(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), Journal.JournalJson.Options)!;
            var now = await context.Inspector.SnapshotAsync(readFrom, tenant.Chroot, cancellationToken).ConfigureAwait(false);
            checks.Add(CompareTrees(tenant, atBaseline, now));
        }

        return checks;
    }

    /// <summary>
    /// The data check: no znode of <paramref name="atBaseline"/> is found at an older modification (mzxid) in
    /// <paramref name="now"/>; znodes changed, created or deleted since are the tenant's own writes, counted in the detail.
    /// </summary>
    public static CheckResult CompareTrees(TenantSpec tenant, ChrootSnapshot atBaseline, ChrootSnapshot now)
    {
        var older = atBaseline.Nodes.Where(n => now.Nodes.TryGetValue(n.Key, out var after) && (after.Mzxid < n.Value.Mzxid || (after.Mzxid == n.Value.Mzxid && after.Version != n.Value.Version)))
            .Select(n => $"{n.Key} (mzxid {Zxid.Format(n.Value.Mzxid)}→{Zxid.Format(now.Nodes[n.Key].Mzxid)})").Order(StringComparer.Ordinal).ToList();
        var changed = atBaseline.Nodes.Count(n => now.Nodes.TryGetValue(n.Key, out var after) && after.Mzxid > n.Value.Mzxid);
        var deleted = atBaseline.Nodes.Keys.Count(p => !now.Nodes.ContainsKey(p));
        var created = now.Nodes.Keys.Count(p => !atBaseline.Nodes.ContainsKey(p));
        var counts = string.Create(CultureInfo.InvariantCulture, $"{atBaseline.Nodes.Count} znodes at baseline: {changed} changed, {deleted} deleted, {created} created since, by the tenant's own sessions (the migration writes nothing on the source)");
        return new($"{tenant.Name}-data-not-rolled-back", older.Count == 0,
            older.Count == 0
                ? $"no znode under {tenant.Chroot} older than at baseline; {counts}"
                : $"{older.Count} znode(s) under {tenant.Chroot} older than at baseline (writes lost on the source): {string.Join(", ", older.Take(10))}");
    }

    private static async Task<CheckResult> CheckConnectsAsync(StepContext context, TenantSpec tenant, StayingTenantBaseline before, CancellationToken cancellationToken)
    {
        var source = context.Plan.SourceConnectFor(tenant);
        var problems = new List<string>();
        foreach (var host in tenant.Hosts)
        {
            var now = await ReadConnectAsync(context, tenant, host, cancellationToken).ConfigureAwait(false);
            var was = before.Connects.GetValueOrDefault(host.Agent);
            if (now is null)
            {
                problems.Add($"{host.Agent}: cannot read its {tenant.Connect.Location}");
            }
            else if (!string.Equals(now, was, StringComparison.Ordinal))
            {
                problems.Add($"{host.Agent}: '{was}' became '{now}'");
            }
            else if (!ConnectStrings.SameEnsemble(now, source))
            {
                problems.Add($"{host.Agent}: '{now}' is not the source '{source}'");
            }
        }

        return new($"{tenant.Name}-connect-unchanged", problems.Count == 0,
            problems.Count == 0
                ? $"{tenant.Hosts.Count} host(s) still name the source ({source}), each {tenant.Connect.Location} as at baseline"
                : $"{problems.Count} host(s) of the staying tenant switched or unreadable: {string.Join("; ", problems)}");
    }

    private static async Task<CheckResult> CheckSessionsAsync(StepContext context, TenantSpec tenant, StayingTenantBaseline before, IReadOnlyList<ServerSpec> source, CancellationToken cancellationToken)
    {
        var after = (await TenantHealthGate.ReadAsync(context, tenant, source, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Path, r => r.SessionId);
        var lost = before.Registrations.Where(b => !after.TryGetValue(b.Key, out var owner) || owner != b.Value).Select(b => b.Key).Order(StringComparer.Ordinal).ToList();
        return new($"{tenant.Name}-sessions-on-source", lost.Count == 0 && before.Registrations.Count > 0,
            lost.Count > 0
                ? $"{lost.Count} registration(s) on the source lost or owned by a new session (a session expired): {string.Join(", ", lost.Take(10))}"
                : before.Registrations.Count == 0
                    ? $"no registration under {tenant.Chroot}{tenant.Health.RegistrationPath} at baseline: no session to follow"
                    : $"{before.Registrations.Count} registration(s) under {tenant.Chroot}{tenant.Health.RegistrationPath} on the source, every owner session the same as at baseline");
    }

    private static async Task<string?> ReadConnectAsync(StepContext context, TenantSpec tenant, TenantHost host, CancellationToken cancellationToken)
    {
        try
        {
            return await context.Agent(host.Agent).GetTenantConnectAsync(tenant.Connect, cancellationToken).ConfigureAwait(false);
        }
        catch (Agents.AgentCallException)
        {
            return null;
        }
    }
}
