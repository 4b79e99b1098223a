using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 5: the block. Stops every host of every moved tenant through its agent, in plan order, then
/// reads the source's zxid: every change of the tenants is at or below it, and the drain waits for the mirror to
/// reach it. The tenants are down from the first stop (their downtime) and the ZooKeeper-side block starts at the last.
/// </summary>
internal sealed class BlockStep : MigrationStep
{
    public const string StepId = "block";

    /// <summary>When the first host was stopped (observation, <see cref="DateTimeOffset"/>): the tenant's downtime starts.</summary>
    public const string FirstStopKey = "first-stop-at";

    /// <summary>When the last host had stopped: the ZooKeeper-side block starts.</summary>
    public const string LastStoppedKey = "last-stopped-at";

    /// <summary>The source's zxid read after the last host stopped.</summary>
    public const string ZxidKey = "block-zxid";

    public override string Id => StepId;

    public override string Title => "Block: stop every host of the moved tenants (plan order), read the source's zxid";

    public override IReadOnlyList<string> ChecksBefore => ["the mirror follows"];

    public override IReadOnlyList<string> Actions => ["stop each moved tenant's service on each of its hosts, in plan order, through its agent", "read the source's highest zxid (srvr on every source server)"];

    public override IReadOnlyList<string> ChecksAfter => ["every host's service reported stopped"];

    /// <summary>The effect key of stopping <paramref name="host"/> of <paramref name="tenant"/> (abort reads it: did the block stop this host?).</summary>
    public static string StopKey(TenantSpec tenant, TenantHost host) => $"stop:{tenant.Name}:{host.Agent}";

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        if (context.Observed<DateTimeOffset?>(Id, FirstStopKey) is null)
        {
            await context.ObserveAsync(FirstStopKey, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        foreach (var tenant in plan.MovedTenants)
        {
            foreach (var host in tenant.Hosts)
            {
                var agent = context.Agent(host.Agent);
                var outcome = await context.EffectAsync(StopKey(tenant, host), agent, (operation, ct) => agent.ControlServiceAsync(operation, "stop", ct), cancellationToken).ConfigureAwait(false);
                if (outcome.Result is { Running: true })
                {
                    throw new StepFailedException(Id, $"{tenant.Name} on {host.Agent} still runs after its stop");
                }

                context.Info($"{tenant.Name}: {host.Label} stopped", host.Host);
            }
        }

        if (context.Observed<DateTimeOffset?>(Id, LastStoppedKey) is null)
        {
            await context.ObserveAsync(LastStoppedKey, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        // After a rerun, a zxid read now is still past every change of the stopped tenants.
        var observed = await ClusterQueries.ObserveAllAsync(context, plan.Source, cancellationToken).ConfigureAwait(false);
        var zxid = observed.Values.Max(o => o.Zxid);
        if (zxid < 0)
        {
            throw new StepFailedException(Id, "no source server reported its zxid");
        }

        await context.ObserveAsync(ZxidKey, zxid, cancellationToken).ConfigureAwait(false);
        context.Info($"every moved tenant stopped; source at zxid {Zxid.Format(zxid)}");
    }
}
