using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Plans;

public sealed class ResidualRisksTests
{
    [Fact]
    public void For_ParticipantThreeSourceTwoJoiners_CitesTheSpinTrailOfTwoLeaders()
    {
        var plan = PlanLoader.Load(SamplePlans.Participant("5, 6"));

        var risks = ResidualRisks.For(plan);

        Assert.Contains(risks, r => r.Contains("can form non-overlapping quorums (k=2)", StringComparison.Ordinal)
            && r.Contains("model/participant.pml", StringComparison.Ordinal));
    }
}
