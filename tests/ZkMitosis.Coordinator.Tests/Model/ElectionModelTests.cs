using Xunit.Abstractions;

namespace ZkMitosis.Coordinator.Tests.Model;

/// <summary>
/// The destination election after the cut, model-checked with Spin (model/election.pml, docs/model.md): the
/// coordinator's two waves never let a node behind lead, and the seed's all-at-once restart does.
/// </summary>
public sealed class ElectionModelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void Waves_EveryInputAndInterleaving_LeaderHeldTheHighestZxidAndTheSecondWaveNeverElectsAlone(int nodes)
    {
        var result = SpinModel.Verify(nodes);

        output.WriteLine($"waves, m={nodes}: {result.Summary}");
        Assert.True(result.Errors == 0, result.Output);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Waves_WithEveryRecvsetEntryDelivered_SameVerdict(int nodes)
    {
        var result = SpinModel.Verify(nodes, "RECVSET");

        output.WriteLine($"waves, recvset kept, m={nodes}: {result.Summary}");
        Assert.True(result.Errors == 0, result.Output);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void Waves_ChecksAreReached_SecondWaveDecides(int nodes)
    {
        // Without this, zero errors could mean the elections never got as far as the assertions.
        var result = SpinModel.Verify(nodes, "VACUITY");

        output.WriteLine($"vacuity probe, m={nodes}: {result.Summary}");
        Assert.True(result.Errors >= 1, result.Output);
        Assert.Contains("assertion violated  !(second[me])", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, "SEED")]
    [InlineData(3, "SEED", "RECVSET")]
    public void SeedAllAtOnce_SpinFindsABehindLeaderEstablished(int nodes, params string[] defines)
    {
        var result = SpinModel.Verify(nodes, defines);

        output.WriteLine($"seed's restart, m={nodes} {string.Join(' ', defines)}: {result.Summary}");
        Assert.True(result.Errors >= 1, result.Output);
        Assert.Contains("assertion violated safe[", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void WavesIgnoringVoteEpochs_SpinFindsABehindLeaderEstablished()
    {
        const int nodes = 7;

        // A node behind whose vote carries a newer epoch must wait for the second wave: without that, it can lead.
        var result = SpinModel.Verify(nodes, "NO_EPOCH_RULE");

        output.WriteLine($"waves without the epoch rule, m={nodes}: {result.Summary}");
        Assert.True(result.Errors >= 1, result.Output);
        Assert.Contains("assertion violated safe[", result.Output, StringComparison.Ordinal);
    }
}
