namespace ZkMitosis.Coordinator.Plans;

/// <summary>The static checks of a <c>strategy: copy</c> plan (docs/copy-strategy.md); nothing for the other strategies.</summary>
internal static class CopyPlanValidator
{
    public static void Validate(MigrationPlan plan, List<PlanProblem> problems)
    {
        if (plan.Strategy != MigrationStrategy.Copy)
        {
            return;
        }

        if (plan.Switch is not null)
        {
            problems.Add(new("switch", "is not used by strategy: copy: every host of a moved tenant stops at the block and starts on the destination together"));
        }

        // Every chroot is copied, mirrored and verified on its own: one inside another would be copied twice, and
        // the outer one's abort would remove the inner one's copy.
        var chroots = plan.MovedTenants.Select(t => t.Chroot).Distinct(StringComparer.Ordinal).ToList();
        foreach (var inner in chroots)
        {
            if (chroots.FirstOrDefault(outer => outer != inner && inner.StartsWith(outer + "/", StringComparison.Ordinal)) is { } outer)
            {
                var tenant = plan.MovedTenants.First(t => t.Chroot == inner);
                problems.Add(new(tenant.PlanPath is "" or "kafka" ? "chroot" : tenant.PlanPath + ".chroot", $"{inner} lies inside {outer}, another moved tenant's chroot: strategy copy moves chroots that do not nest"));
            }
        }
    }
}
