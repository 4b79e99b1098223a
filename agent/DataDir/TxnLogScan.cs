namespace ZkMitosis.Agent.DataDir;

/// <summary>
/// What one txn log file holds: its header, how many valid records, the first and last zxid among them, and why reading
/// stopped (normal end of records, a partial record, a checksum mismatch).
/// </summary>
public sealed record TxnLogScan(
    string Path,
    int Version,
    long DbId,
    int RecordCount,
    long FirstZxid,
    long LastZxid,
    TxnLogEnd End,
    long ValidBytes)
{
    public bool HasRecords => RecordCount > 0;
}

/// <summary>Why reading a txn log stopped.</summary>
public enum TxnLogEnd
{
    /// <summary>The zero padding after the last record, or the end of the file on a record boundary.</summary>
    Clean,

    /// <summary>The last record was cut short (a crash while appending): the records before it count.</summary>
    PartialRecord,

    /// <summary>A record's Adler-32 does not match: the records before it count.</summary>
    ChecksumMismatch,
}
