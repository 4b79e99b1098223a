namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Releases the leases; the engine writes the report.</summary>
internal sealed class FinishStep : MigrationStep
{
    public override string Id => "finish";

    public override string Title => "Release the leases and write the report";

    public override IReadOnlyList<string> ChecksBefore => ["verification passed"];

    public override IReadOnlyList<string> Actions => ["release the plan's lease on every agent"];

    public override IReadOnlyList<string> ChecksAfter => ["report written to the state directory"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        foreach (var address in context.Plan.AgentAddresses)
        {
            try
            {
                await context.Agent(address).ReleaseLeaseAsync(context.Operation("release", address), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.Warning($"could not release the lease: {e.Message} (it expires by itself)", address);
            }
        }
    }
}
