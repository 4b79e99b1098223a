namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 8: past it the tenants write on the destination, and abort can no longer send them back without
/// losing those writes. Asks the operator (typed, or <c>--yes</c>); the wait counts in the tenants' downtime.
/// </summary>
internal sealed class CopyPointOfNoReturnStep : MigrationStep
{
    public override string Id => PointOfNoReturnStep.StepId;

    public override string Title => "Point of no return: the destination holds the verified copy; confirm (typed, or --yes)";

    public override IReadOnlyList<string> ChecksBefore => ["every moved chroot verified equal on the destination"];

    public override IReadOnlyList<string> Actions => ["ask for confirmation"];

    public override IReadOnlyList<string> ChecksAfter => ["confirmed"];

    public override bool PointOfNoReturn => true;

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        if (!context.State.IsCompleted(VerifyCopyStep.StepId))
        {
            throw new StepFailedException(Id, "the copy was not verified");
        }

        if (context.State.IsConfirmed(Id))
        {
            return;
        }

        var hosts = plan.MovedTenants.Sum(t => t.Hosts.Count);
        var summary = $"The destination holds a verified copy of {string.Join(", ", CopyTrees.Chroots(plan))}; the {hosts} host(s) of the moved tenants are stopped. "
            + "Next: point them at the destination and start them. After this, abort can no longer undo the migration.";
        if (!await context.Services.Confirmation.ConfirmAsync(plan.PlanId, summary, cancellationToken).ConfigureAwait(false))
        {
            throw new NotConfirmedException();
        }

        await context.Services.Journal.AppendAsync(new Journal.JournalRecord { Type = Journal.JournalRecordTypes.Confirmed, Step = Id }, cancellationToken).ConfigureAwait(false);
    }
}
