namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Takes this plan's lease on every agent for the run's identity, so no other coordinator can drive the same hosts:
/// a fresh run never takes a lease over, so a second operator's run (another state dir) is refused here, before it
/// changes anything. The lease is renewed while the run goes on and released by the last step.
/// </summary>
internal sealed class LeaseStep : MigrationStep
{
    public const string StepId = "lease";

    public override string Id => StepId;

    public override string Title => "Take the plan's lease on every agent";

    public override IReadOnlyList<string> ChecksBefore => ["no other plan, and no other run of this plan, holds a lease on any host"];

    public override IReadOnlyList<string> Actions => ["acquire the lease (plan id, this run's identity, renewed while the run goes on) on every agent"];

    public override IReadOnlyList<string> ChecksAfter => ["every agent answered with our lease"];

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        context.Services.Leases.AcquireAsync(Id, cancellationToken);
}
