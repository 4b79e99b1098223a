namespace ZkMitosis.Agent.DataDir;

/// <summary>One snapshot or txn log file, with the zxid in its name.</summary>
public sealed record DataDirFile(string Path, long Size, long NameZxid);

/// <summary>What a ZooKeeper data dir (and its dataLogDir) holds and the last zxid this node would bring to an election.</summary>
public sealed record DataDirInspection
{
    public required string DataDir { get; init; }

    public required string DataLogDir { get; init; }

    public required bool MyIdPresent { get; init; }

    public required IReadOnlyList<DataDirFile> Snapshots { get; init; }

    public required IReadOnlyList<DataDirFile> TxnLogs { get; init; }

    /// <summary>The last valid record of the newest txn log that has one, -1 when none.</summary>
    public required long LastLoggedZxid { get; init; }

    /// <summary>The newest snapshot's name zxid, -1 when none.</summary>
    public required long LastSnapshotZxid { get; init; }

    public required long CurrentEpoch { get; init; }

    public required long AcceptedEpoch { get; init; }

    public required IReadOnlyList<string> OtherFiles { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>No snapshot, no txn log, no epoch file: a node that has never served (a myid alone is empty).</summary>
    public bool IsEmpty => Snapshots.Count == 0 && TxnLogs.Count == 0 && CurrentEpoch < 0 && AcceptedEpoch < 0;

    public long LastZxid => Math.Max(LastLoggedZxid, LastSnapshotZxid);
}
