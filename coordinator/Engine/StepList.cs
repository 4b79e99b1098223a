using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>The ordered steps of a plan's strategy: the one list both <c>migrate plan</c> and the engine use.</summary>
public static class StepList
{
    public static IReadOnlyList<MigrationStep> For(MigrationPlan plan)
    {
        if (plan.Strategy == MigrationStrategy.Copy)
        {
            return CopyStepList.Steps();
        }

        var steps = new List<MigrationStep> { new PreflightStep(), new LeaseStep(), new BaselineStep() };
        if (plan.Strategy == MigrationStrategy.Observer)
        {
            steps.Add(new JoinObserversStep());
        }
        else
        {
            steps.Add(new JoinParticipantsStep());
        }

        // Each moved tenant in plan order, each host in its own order (Kafka in batches when the plan has a switch:
        // section); the point of no return comes after all of them.
        foreach (var tenant in plan.MovedTenants)
        {
            if (tenant.Preset == TenantPreset.Kafka && plan.Switch is not null)
            {
                steps.Add(new SwitchBatchesStep(plan));
            }
            else
            {
                steps.AddRange(tenant.Hosts.Select(h => new SwitchHostStep(tenant, h)));
            }
        }

        steps.Add(new PointOfNoReturnStep());
        steps.Add(new CutStep());
        steps.Add(new ElectDestinationStep());
        if (plan.Strategy == MigrationStrategy.Participant)
        {
            steps.Add(new RestartSourceStep());
        }

        steps.Add(new HealStep());
        steps.Add(new VerifyStep());
        steps.Add(new FinishStep());
        return steps;
    }

    public static IReadOnlyList<CompiledStep> Compile(MigrationPlan plan) => For(plan).Select(s => s.Describe()).ToList();
}
