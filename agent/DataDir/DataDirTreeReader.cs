using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.DataDir;

/// <summary>A chroot's tree as a data dir holds it, consistent at <see cref="Zxid"/>.</summary>
public sealed record DataDirTree
{
    public required ZnodeTree Tree { get; init; }

    /// <summary>The last txn applied (the snapshot's zxid when no txn followed it): the tree is the server's at this zxid.</summary>
    public required long Zxid { get; init; }

    public required SnapshotInfo Snapshot { get; init; }

    /// <summary>Txn log records applied after the snapshot (all of them, not only the chroot's).</summary>
    public required int TxnsApplied { get; init; }

    /// <summary>Newer snapshots that were skipped (torn, corrupt, compressed) and why, and torn log tails.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}

/// <summary>
/// Reads a chroot's tree from a ZooKeeper data dir without asking the server anything: the newest valid snapshot, then
/// every txn logged after its zxid, as ZooKeeper itself restores on start (<c>FileTxnSnapLog.restore</c>: <c>FileSnap.deserialize</c>
/// tries the newest snapshots in turn, then <c>fastForwardFromEdits</c> replays the logs from the snapshot's zxid + 1).
/// Safe while the server runs: a snapshot being written is not yet valid (its seal is missing) and is skipped, and the
/// log's torn tail is not read. The replay must continue the snapshot without a gap; else the read is refused.
/// </summary>
public static class DataDirTreeReader
{
    /// <summary>Default memory bound for one tree: 2 GiB by <see cref="TreeTooLargeException"/>'s estimate.</summary>
    public const long DefaultMaxTreeBytes = 2L * 1024 * 1024 * 1024;

    /// <param name="dataDir">The configured data dir (snapshots in its version-2).</param>
    /// <param name="dataLogDir">The configured dataLogDir (txn logs in its version-2), or the data dir.</param>
    /// <param name="chroot">A valid znode path, already checked.</param>
    /// <param name="maxTreeBytes">Refuse (<see cref="TreeTooLargeException"/>) beyond this estimate.</param>
    /// <exception cref="InvalidSnapshotException">no snapshot in the data dir is valid.</exception>
    /// <exception cref="PreconditionFailedException">the txn logs do not continue the snapshot (type "TXN_LOG").</exception>
    public static DataDirTree Read(string dataDir, string dataLogDir, string chroot, long maxTreeBytes = DefaultMaxTreeBytes)
    {
        var warnings = new List<string>();
        var snapshots = Files(dataDir, "snapshot.");
        var logs = Files(dataLogDir, "log.");
        if (snapshots.Count == 0)
        {
            throw new InvalidSnapshotException(Path.Combine(dataDir, DataDirInspector.VersionDirectory), "no snapshot: the server has not written one yet");
        }

        InvalidSnapshotException? last = null;
        for (var i = snapshots.Count - 1; i >= 0; i--)
        {
            var tree = new ZnodeTree(chroot);
            SnapshotInfo snapshot;
            try
            {
                snapshot = SnapshotReader.Read(snapshots[i].Path, tree, maxTreeBytes);
            }
            catch (InvalidSnapshotException e)
            {
                warnings.Add($"skipped {e.Message}");
                last = e;
                continue;
            }

            var (zxid, applied) = Replay(tree, snapshot.Zxid, logs, warnings, maxTreeBytes);
            return new DataDirTree { Tree = tree, Zxid = zxid, Snapshot = snapshot, TxnsApplied = applied, Warnings = warnings };
        }

        throw new InvalidSnapshotException(last!.Path, $"no valid snapshot among {snapshots.Count}: {string.Join("; ", warnings)}");
    }

    private static (long Zxid, int Applied) Replay(ZnodeTree tree, long snapshotZxid, List<DataDirFile> logs, List<string> warnings, long maxTreeBytes)
    {
        // FileTxnLog.getLogFiles: the newest log that starts at or before the snapshot, and every later one.
        var start = logs.FindLastIndex(l => l.NameZxid <= snapshotZxid);
        var zxid = snapshotZxid;
        var applied = 0;
        for (var i = Math.Max(start, 0); i < logs.Count; i++)
        {
            var log = logs[i];
            var end = TxnLogRecords.ForEach(log.Path, (header, txn) =>
            {
                if (header.Zxid <= zxid)
                {
                    return;
                }

                if (!Continues(zxid, header.Zxid))
                {
                    throw new PreconditionFailedException("TXN_LOG", log.Path, $"{log.Path}: the txn logs jump from zxid 0x{zxid:x} to 0x{header.Zxid:x} after the snapshot of 0x{snapshotZxid:x}: a log is missing, so no tree consistent at one zxid can be read");
                }

                TxnReplay.Apply(tree, header, txn, log.Path);
                TreeTooLargeException.ThrowIfOver(tree, maxTreeBytes);
                zxid = header.Zxid;
                applied++;
            });
            if (end != TxnLogEnd.Clean && i < logs.Count - 1)
            {
                warnings.Add($"{log.Path}: {(end == TxnLogEnd.PartialRecord ? "partial record" : "checksum mismatch")} before a newer log; reading on");
            }
        }

        return (zxid, applied);
    }

    /// <summary>Within an epoch (the high 32 bits) zxids count up by one; a new epoch may start anywhere.</summary>
    private static bool Continues(long previous, long next) =>
        (next >> 32) > (previous >> 32) || next == previous + 1;

    private static List<DataDirFile> Files(string directory, string prefix)
    {
        var version = Path.Combine(directory, DataDirInspector.VersionDirectory);
        var files = new List<DataDirFile>();
        if (!Directory.Exists(version))
        {
            return files;
        }

        foreach (var file in new DirectoryInfo(version).EnumerateFiles(prefix + "*"))
        {
            if (DataDirInspector.TryNameZxid(file.Name, prefix, out var zxid))
            {
                files.Add(new DataDirFile(file.FullName, file.Length, zxid));
            }
        }

        files.Sort((a, b) => a.NameZxid.CompareTo(b.NameZxid));
        return files;
    }
}
