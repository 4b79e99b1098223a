using System.Globalization;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// The point of no return's positive proof that every moved tenant left the source (<see cref="LeftSourceEvidence"/>):
/// each Kafka broker's <c>/brokers/ids/&lt;id&gt;</c>, and each registration of another tenant's health path, read on the
/// destination, is owned by a session established on a destination server.
/// </summary>
internal static class TenantsLeftSource
{
    /// <summary>The journal key of the evidence, under <see cref="PointOfNoReturnStep.StepId"/> (the report reads it).</summary>
    public const string Key = "left-source";

    /// <summary>The evidence for every moved tenant's hosts, as the destination serves their registrations now.</summary>
    public static async Task<IReadOnlyList<LeftSourceEvidence>> CollectAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var destinationIds = plan.Destination.Select(d => d.Id).ToHashSet();
        var evidence = new List<LeftSourceEvidence>();
        foreach (var tenant in plan.MovedTenants)
        {
            if (tenant.Preset == TenantPreset.Kafka)
            {
                var state = await context.Inspector.ReadKafkaStateAsync(plan.Destination, tenant.Chroot, cancellationToken).ConfigureAwait(false);
                foreach (var host in tenant.Hosts.Where(h => h.Id is not null))
                {
                    var id = host.Id!.Value;
                    var path = $"{tenant.Chroot.TrimEnd('/')}/brokers/ids/{id.ToString(CultureInfo.InvariantCulture)}";
                    long? owner = state.Brokers.TryGetValue(id, out var registration) ? registration.SessionId : null;
                    evidence.Add(LeftSourceEvidence.Judge(tenant.Name, $"{host.Label} ({host.Host})", path, owner, destinationIds));
                }

                continue;
            }

            // Other tenants' registrations do not name their hosts in a form the plan knows: each one must be a
            // destination session, and there must be as many as the tenant's health gate expects.
            var registrations = await TenantHealthGate.ReadAsync(context, tenant, plan.Destination, cancellationToken).ConfigureAwait(false);
            foreach (var r in registrations.OrderBy(r => r.Path, StringComparer.Ordinal))
            {
                evidence.Add(LeftSourceEvidence.Judge(tenant.Name, Path.GetFileName(r.Path.TrimEnd('/')), r.Path, r.SessionId, destinationIds));
            }

            var expected = tenant.Chroot + tenant.Health.RegistrationPath;
            for (var missing = registrations.Count; missing < tenant.Health.Count; missing++)
            {
                evidence.Add(LeftSourceEvidence.Judge(tenant.Name, $"{tenant.Name} registration {(missing + 1).ToString(CultureInfo.InvariantCulture)}", expected, null, destinationIds));
            }
        }

        return evidence;
    }
}
