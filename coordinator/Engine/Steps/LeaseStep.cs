namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Takes this plan's lease on every agent so no other coordinator can drive the same hosts.</summary>
internal sealed class LeaseStep : MigrationStep
{
    /// <summary>Long enough for a whole migration with resumes; released by the last step.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromHours(6);

    public override string Id => "lease";

    public override string Title => "Take the plan's lease on every agent";

    public override IReadOnlyList<string> ChecksBefore => ["no other plan holds a lease on any host"];

    public override IReadOnlyList<string> Actions => ["acquire lease (plan id, holder, 6h) on every agent"];

    public override IReadOnlyList<string> ChecksAfter => ["every agent answered with our lease"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        await Task.WhenAll(context.Plan.AgentAddresses.Select(async address =>
        {
            try
            {
                await context.Agent(address).AcquireLeaseAsync(context.Operation("lease", address), context.Services.Holder, LeaseDuration, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lock (failures)
                {
                    failures.Add($"{address}: {e.Message}");
                }
            }
        })).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            throw new StepFailedException(Id, "could not take the lease on: " + string.Join("; ", failures));
        }
    }
}
