using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>The ordered steps of a plan's strategy: the one list both <c>migrate plan</c> and the engine use.</summary>
public static class StepList
{
    public static IReadOnlyList<MigrationStep> For(MigrationPlan plan)
    {
        var steps = new List<MigrationStep> { new PreflightStep(), new LeaseStep(), new BaselineStep() };
        if (plan.Strategy == MigrationStrategy.Observer)
        {
            steps.Add(new JoinObserversStep());
        }
        else
        {
            steps.Add(new JoinParticipantsStep());
        }

        if (plan.Switch is null)
        {
            steps.AddRange(plan.Brokers.Select(b => new SwitchBrokerStep(b)));
        }
        else
        {
            steps.Add(new SwitchBatchesStep(plan));
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
