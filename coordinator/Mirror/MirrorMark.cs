namespace ZkMitosis.Coordinator.Mirror;

/// <summary>
/// A point the mirror measures itself against: the source was at <paramref name="Zxid"/> at
/// <paramref name="TakenAt"/> (Stopwatch ticks), and every watch event of a change up to it had been queued once
/// <paramref name="Sequence"/> events were. When the apply loop has applied that many, the target holds every
/// change up to the zxid.
/// </summary>
internal sealed record MirrorMark(long Zxid, long Sequence, long TakenAt);
