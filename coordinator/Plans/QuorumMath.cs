namespace ZkMitosis.Coordinator.Plans;

/// <summary>Majority arithmetic behind the participant strategy's invariants (DESIGN.md).</summary>
public static class QuorumMath
{
    /// <summary>Q(x) = ⌊x/2⌋ + 1: the smallest majority of x voters.</summary>
    public static int Quorum(int voters) => (voters / 2) + 1;

    /// <summary>
    /// The participant strategy's invariants for n source nodes, m destination nodes and k joiners, N = n + k:
    /// S keeps quorum alone (k &lt; n); the cut-off joiners cannot elect in the joint view (k &lt; Q(N));
    /// every destination quorum holds a synced node (m − k &lt; Q(m)). Returns the violated ones, empty when safe.
    /// </summary>
    public static IReadOnlyList<string> ParticipantViolations(int n, int m, int k)
    {
        var violations = new List<string>();
        var total = n + k;
        if (k < 1)
        {
            violations.Add($"at least one joiner is needed (k={k})");
        }

        if (k >= n)
        {
            violations.Add($"the source must keep quorum alone: k < n fails (k={k}, n={n})");
        }

        if (k >= Quorum(total))
        {
            violations.Add($"the cut-off joiners must not be able to elect in the joint view: k < Q(N) fails (k={k}, N={total}, Q(N)={Quorum(total)})");
        }

        if (m - k >= Quorum(m))
        {
            violations.Add($"every destination quorum must hold a synced node: m - k < Q(m) fails (m={m}, k={k}, Q(m)={Quorum(m)})");
        }

        return violations;
    }

    /// <summary>The smallest k that satisfies every invariant, or null when none does (so ⌈m/2⌉ ≤ k ≤ n−1 is empty).</summary>
    public static int? SmallestSafeJoinerCount(int n, int m)
    {
        for (var k = 1; k <= m; k++)
        {
            if (ParticipantViolations(n, m, k).Count == 0)
            {
                return k;
            }
        }

        return null;
    }
}
