namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>The steps of <c>strategy: copy</c> (docs/copy-strategy.md), in order.</summary>
internal static class CopyStepList
{
    public static List<MigrationStep> Steps() =>
    [
        new CopyPreflightStep(),
        new LeaseStep(),
        new PreCopyStep(),
        new StartMirrorStep(),
        new BlockStep(),
        new DrainStep(),
        new VerifyCopyStep(),
        new CopyPointOfNoReturnStep(),
        new CopySwitchStep(),
        new TenantHealthStep(),
        new FinishStep(),
    ];
}
