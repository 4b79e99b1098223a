using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 9: points every stopped host of every moved tenant at the destination and starts it, all at
/// once: the code and operation ids of the one-host switch (<see cref="SwitchHostStep.SwitchAsync(StepContext, TenantSpec, TenantHost, IReadOnlyDictionary{int, long}?, CancellationToken)"/>,
/// each host under its own step id), so a resume and the journal read them as for any switch. A restart of a
/// stopped service starts it.
/// </summary>
internal sealed class CopySwitchStep : MigrationStep
{
    public const string StepId = "switch-tenants";

    private static readonly IReadOnlyDictionary<int, long> NoEpochs = new Dictionary<int, long>();

    public override string Id => StepId;

    public override string Title => "Switch: every moved tenant's connect string → destination, start every host";

    public override IReadOnlyList<string> ChecksBefore => ["point of no return confirmed"];

    public override IReadOnlyList<string> Actions => ["on every host of every moved tenant, at once: set its connect string to the destination (rest of the file byte for byte), start it"];

    public override IReadOnlyList<string> ChecksAfter => ["every host's service started"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var hosts = context.Plan.MovedTenants.SelectMany(t => t.Hosts.Select(h => (Tenant: t, Host: h))).ToList();
        await Task.WhenAll(hosts.Select(async x =>
        {
            var hostContext = new StepContext(context.Services, SwitchHostStep.StepIdFor(x.Tenant, x.Host), context.Attempt);
            // Every host is stopped and the destination never held their ephemerals: no broker epoch to outlive.
            await SwitchHostStep.SwitchAsync(hostContext, x.Tenant, x.Host, NoEpochs, cancellationToken).ConfigureAwait(false);
            if (x.Tenant.Preset == TenantPreset.Kafka && x.Host.Id is { } brokerId)
            {
                context.Services.OnBrokerSwitched?.Invoke(brokerId);
            }
        })).ConfigureAwait(false);
    }
}
