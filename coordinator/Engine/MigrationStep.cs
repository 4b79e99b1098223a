namespace ZkMitosis.Coordinator.Engine;

/// <summary>A step as <c>migrate plan</c> prints it: what it does and what it checks before and after.</summary>
public sealed record CompiledStep(string Id, string Title, IReadOnlyList<string> ChecksBefore, IReadOnlyList<string> Actions, IReadOnlyList<string> ChecksAfter, bool PointOfNoReturn);

/// <summary>
/// One step of a migration. Steps are idempotent: they look at the world first and do only what is missing,
/// so running one again after a crash (at any point inside it) is safe.
/// </summary>
public abstract class MigrationStep
{
    public abstract string Id { get; }

    public abstract string Title { get; }

    public abstract IReadOnlyList<string> ChecksBefore { get; }

    public abstract IReadOnlyList<string> Actions { get; }

    public abstract IReadOnlyList<string> ChecksAfter { get; }

    /// <summary>True for the step past which <c>abort</c> can no longer undo the migration.</summary>
    public virtual bool PointOfNoReturn => false;

    /// <summary>
    /// True when the engine must reach every agent of the plan before the step acts, so that an agent down stops
    /// the step before it changes anything rather than half-way. Preflight checks the agents itself, listing all.
    /// </summary>
    public virtual bool NeedsEveryAgent => true;

    public CompiledStep Describe() => new(Id, Title, ChecksBefore, Actions, ChecksAfter, PointOfNoReturn);

    public abstract Task ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}
