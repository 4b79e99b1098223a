using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 10: every moved tenant's health gate passes on the destination (Kafka: every broker registered
/// and every partition led with a full ISR; others: their registrations back). Its end is the end of the tenants' downtime.
/// </summary>
internal sealed class TenantHealthStep : MigrationStep
{
    public const string StepId = "tenant-health";

    /// <summary>When every gate passed (observation, <see cref="DateTimeOffset"/>): the tenants' downtime ends.</summary>
    public const string HealthyKey = "healthy-at";

    public override string Id => StepId;

    public override string Title => "Health gates: every moved tenant healthy on the destination";

    public override IReadOnlyList<string> ChecksBefore => ["every host started with the destination's connect string"];

    public override IReadOnlyList<string> Actions => ["none (read only)"];

    public override IReadOnlyList<string> ChecksAfter => ["Kafka: every broker registered, no partition offline or under-replicated", "other tenants: their registrations back"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        foreach (var tenant in plan.MovedTenants)
        {
            if (tenant.Preset == TenantPreset.Kafka)
            {
                var ids = tenant.Hosts.Select(h => h.Id ?? -1).ToList();
                await context.WaitUntilAsync($"{tenant.Name}: every broker registered and every partition healthy on the destination", plan.Timeouts.BrokerRegistration, async ct =>
                {
                    var state = await context.Inspector.ReadKafkaStateAsync(plan.Destination, tenant.Chroot, ct).ConfigureAwait(false);
                    return ClusterQueries.IsKafkaHealthy(state, ids, out _);
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await context.WaitUntilAsync($"{tenant.Name}: {tenant.Health.Describe(tenant.Chroot)} on the destination", plan.Timeouts.BrokerRegistration,
                    async ct => await TenantHealthGate.CountAsync(context, tenant, plan.Destination, ct).ConfigureAwait(false) >= tenant.Health.Count, cancellationToken).ConfigureAwait(false);
            }

            context.Info($"{tenant.Name} healthy on the destination");
        }

        if (context.Observed<DateTimeOffset?>(Id, HealthyKey) is null)
        {
            await context.ObserveAsync(HealthyKey, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
    }
}
