using FsCheck.Xunit;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Tests.Plans;

public sealed class QuorumMathTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    [InlineData(6, 4)]
    public void Quorum_Voters_IsSmallestMajority(int voters, int quorum) => Assert.Equal(quorum, QuorumMath.Quorum(voters));

    [Fact]
    public void SmallestSafeJoinerCount_ThreeToThree_IsTwo()
    {
        Assert.Equal(2, QuorumMath.SmallestSafeJoinerCount(3, 3));
        Assert.NotEmpty(QuorumMath.ParticipantViolations(3, 3, 1));
        Assert.Empty(QuorumMath.ParticipantViolations(3, 3, 2));
        Assert.NotEmpty(QuorumMath.ParticipantViolations(3, 3, 3));
    }

    [Fact]
    public void SmallestSafeJoinerCount_OneSourceNode_NoneIsSafe() => Assert.Null(QuorumMath.SmallestSafeJoinerCount(1, 3));

    [Property]
    public bool ParticipantViolations_MatchTheClosedForm(byte nRaw, byte mRaw, byte kRaw)
    {
        var n = (nRaw % 9) + 1;
        var m = (mRaw % 9) + 1;
        var k = kRaw % 10;
        var safe = QuorumMath.ParticipantViolations(n, m, k).Count == 0;
        var closedForm = k >= 1 && k < n && k < QuorumMath.Quorum(n + k) && m - k < QuorumMath.Quorum(m);
        return safe == closedForm;
    }

    [Property]
    public bool SafeJoinerCounts_LieBetweenHalfOfDestinationAndSourceMinusOne(byte nRaw, byte mRaw)
    {
        var n = (nRaw % 9) + 1;
        var m = (mRaw % 9) + 1;
        // The DESIGN.md consequence: every safe k satisfies ⌈m/2⌉ ≤ k ≤ n−1.
        return Enumerable.Range(1, m).Where(k => QuorumMath.ParticipantViolations(n, m, k).Count == 0)
            .All(k => k >= (m + 1) / 2 && k <= n - 1);
    }
}
