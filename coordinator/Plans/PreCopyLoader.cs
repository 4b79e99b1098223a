namespace ZkMitosis.Coordinator.Plans;

/// <summary>Reads the plan's optional <c>preCopy:</c> (strategy copy only): where the pre-copy reads the source tree.</summary>
internal static class PreCopyLoader
{
    /// <summary>The pre-copy's source; <see cref="PreCopySource.Snapshot"/> when the plan says nothing.</summary>
    public static PreCopySource Parse(YamlFields root, MigrationStrategy? strategy)
    {
        var text = root.String("preCopy", required: false);
        if (text is null)
        {
            return PreCopySource.Snapshot;
        }

        if (strategy is not null && strategy != MigrationStrategy.Copy)
        {
            root.Problem("preCopy", "is only allowed with strategy: copy");
        }

        switch (text)
        {
            case "snapshot":
                return PreCopySource.Snapshot;
            case "client":
                return PreCopySource.Client;
            default:
                root.Problem("preCopy", $"must be snapshot or client, not {PlanProblem.Quote(text)}");
                return PreCopySource.Snapshot;
        }
    }
}
