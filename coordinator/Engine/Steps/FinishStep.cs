namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Releases the leases (held by the run's identity, so after any number of resumes); the engine writes the report.</summary>
internal sealed class FinishStep : MigrationStep
{
    public override string Id => "finish";

    public override string Title => "Release the leases and write the report";

    public override IReadOnlyList<string> ChecksBefore => ["verification passed"];

    public override IReadOnlyList<string> Actions => ["release the plan's lease on every agent"];

    public override IReadOnlyList<string> ChecksAfter => ["report written to the state directory"];

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        context.Services.Leases.ReleaseAsync((address, message) => context.Warning(message, address), cancellationToken);
}
