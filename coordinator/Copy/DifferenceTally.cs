namespace ZkMitosis.Coordinator.Copy;

/// <summary>A diff's differences: every one counted, the first <c>listed</c> kept to report.</summary>
/// <param name="listed">How many differences are kept (the rest are only counted).</param>
internal sealed class DifferenceTally(int listed)
{
    private readonly List<Difference> _listed = [];

    /// <summary>Every difference added.</summary>
    public long Count { get; private set; }

    /// <summary>The first differences added, at most <c>listed</c>.</summary>
    public IReadOnlyList<Difference> Listed => _listed;

    /// <summary>Counts <paramref name="difference"/>, and keeps it while fewer than <c>listed</c> are kept.</summary>
    public void Add(Difference difference)
    {
        Count++;
        if (_listed.Count < listed)
        {
            _listed.Add(difference);
        }
    }
}
