namespace ZkMitosis.Coordinator.Plans;

/// <summary>Reads the plan's optional <c>merge:</c> section (strategy copy only), recording every problem with its path.</summary>
internal static class CopyMergeLoader
{
    /// <summary>The longest reason kept, in characters: it is printed in the plan and the report.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The merge, or null when the plan has no <c>merge:</c> section (the destination's chroot must then be absent or empty).</summary>
    public static CopyMerge? Parse(YamlFields root, MigrationStrategy? strategy)
    {
        var section = root.Mapping("merge", required: false);
        if (section is null)
        {
            return null;
        }

        if (strategy is not null && strategy != MigrationStrategy.Copy)
        {
            root.Problem("merge", "is only allowed with strategy: copy (the other strategies need an empty destination)");
        }

        var reason = section.String("reason", required: true);
        section.RejectUnknown();
        if (reason is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength || reason.Any(char.IsControl))
        {
            section.Problem("reason", $"must say why the destination's data under the chroot may be replaced: 1 to {MaxReasonLength} characters, none a control character");
            return null;
        }

        return new CopyMerge(reason);
    }
}
