using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// "Did not notice" for a tenant other than Kafka: the sessions that own its registrations at the point of no return
/// still own registrations after the destination's election. A session that expired across the cut would have lost
/// its ephemerals (ZooKeeper deletes them with the session), and its host would have registered again under a new
/// session. Kafka keeps its own, stricter check (broker epochs, <c>/controller_epoch</c>).
/// </summary>
internal static class TenantSessions
{
    private static string Key(TenantSpec tenant) => $"sessions-{tenant.Name}";

    private static IEnumerable<TenantSpec> Watched(MigrationPlan plan) => plan.MovedTenants.Where(t => t.Preset != TenantPreset.Kafka);

    /// <summary>At the point of no return: each watched tenant's registrations on the destination, path → owner session.</summary>
    public static async Task RecordAsync(StepContext context, CancellationToken cancellationToken)
    {
        foreach (var tenant in Watched(context.Plan))
        {
            var registrations = await TenantHealthGate.ReadAsync(context, tenant, context.Plan.Destination, cancellationToken).ConfigureAwait(false);
            await context.ObserveAsync(Key(tenant), registrations.ToDictionary(r => r.Path, r => r.SessionId), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After the election: one check per watched tenant, passed when every recorded owner session still owns its registration.</summary>
    public static async Task<IReadOnlyList<CheckResult>> CheckAsync(StepContext context, CancellationToken cancellationToken)
    {
        var checks = new List<CheckResult>();
        foreach (var tenant in Watched(context.Plan))
        {
            var before = context.Observed<Dictionary<string, long>>(PointOfNoReturnStep.StepId, Key(tenant));
            if (before is null)
            {
                checks.Add(new($"{tenant.Name}-sessions-survived", false, "no registrations recorded at the point of no return"));
                continue;
            }

            var after = (await TenantHealthGate.ReadAsync(context, tenant, context.Plan.Destination, cancellationToken).ConfigureAwait(false))
                .ToDictionary(r => r.Path, r => r.SessionId);
            var lost = before.Where(b => !after.TryGetValue(b.Key, out var owner) || owner != b.Value).Select(b => b.Key).Order(StringComparer.Ordinal).ToList();
            checks.Add(new($"{tenant.Name}-sessions-survived", lost.Count == 0 && before.Count >= tenant.Health.Count,
                lost.Count == 0
                    ? $"{before.Count} registration(s) under {tenant.Chroot}{tenant.Health.RegistrationPath}, every owner session the same across the cut"
                    : $"{lost.Count} registration(s) lost or owned by a new session (a session expired): {string.Join(", ", lost.Take(10))}"));
        }

        return checks;
    }
}
