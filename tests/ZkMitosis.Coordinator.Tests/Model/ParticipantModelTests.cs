using Xunit.Abstractions;

namespace ZkMitosis.Coordinator.Tests.Model;

/// <summary>
/// The participant strategy's residual risk, model-checked (model/participant.pml, docs/model.md): a leader lost
/// during the joint rolling restart, with some source nodes still on the source's own view.
/// </summary>
public sealed class ParticipantModelTests(ITestOutputHelper output)
{
    [Fact]
    public void MixedViews_ThreeSourceTwoJoiners_SpinFindsTwoLeadersAtOnce()
    {
        var result = SpinModel.VerifyModel("participant.pml", "N_SRC=3", "K=2");

        output.WriteLine($"participant, n=3 k=2: {result.Summary}");
        Assert.True(result.Errors >= 1, result.Output);
        Assert.Contains("assertion violated (leader==", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void MixedViews_ThreeSourceOneJoiner_EveryTwoQuorumsOverlap()
    {
        // Q(3) + Q(4) = 5 > 4: every quorum of one view meets every quorum of the other.
        var result = SpinModel.VerifyModel("participant.pml", "N_SRC=3", "K=1");

        output.WriteLine($"participant, n=3 k=1: {result.Summary}");
        Assert.True(result.Errors == 0, result.Output);
    }
}
