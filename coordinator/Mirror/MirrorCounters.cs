namespace ZkMitosis.Coordinator.Mirror;

/// <summary>The mirror's running totals (fields for Interlocked; read through <see cref="TreeMirror.Status"/>).</summary>
internal sealed class MirrorCounters
{
    private const int ListedUnfaithful = 100;
    private readonly List<string> _unfaithful = [];

    public long EventsReceived;
    public long EventsApplied;
    public long Created;
    public long DataUpdated;
    public long AclUpdated;
    public long Deleted;
    public long VersionBumps;
    public long SequenceBumps;
    public long EphemeralsSkipped;
    public long Retries;

    public void Add(ref long counter) => Interlocked.Increment(ref counter);

    public void Unfaithful(string what)
    {
        lock (_unfaithful)
        {
            if (_unfaithful.Count < ListedUnfaithful && !_unfaithful.Contains(what))
            {
                _unfaithful.Add(what);
            }
        }
    }

    public IReadOnlyList<string> UnfaithfulList()
    {
        lock (_unfaithful)
        {
            return [.. _unfaithful];
        }
    }
}
