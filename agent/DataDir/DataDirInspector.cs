using System.Globalization;

namespace ZkMitosis.Agent.DataDir;

/// <summary>
/// Reads a ZooKeeper data dir as ZooKeeper lays it out: <c>DIR/myid</c>, <c>DIR/version-2/snapshot.ZXID</c>,
/// <c>currentEpoch</c>, <c>acceptedEpoch</c>, and <c>LOGDIR/version-2/log.ZXID</c> (ZXID in hex: the first zxid of the log,
/// the last zxid applied when the snapshot started). The last zxid comes from the records in the logs, not the names.
/// </summary>
public static class DataDirInspector
{
    public const string VersionDirectory = "version-2";

    public static DataDirInspection Inspect(string dataDir, string? dataLogDir)
    {
        var logDir = string.IsNullOrEmpty(dataLogDir) ? dataDir : dataLogDir;
        var warnings = new List<string>();
        var other = new List<string>();
        var snapshots = new List<DataDirFile>();
        var logs = new List<DataDirFile>();
        long currentEpoch = -1, acceptedEpoch = -1;
        foreach (var directory in new[] { Path.Combine(dataDir, VersionDirectory), Path.Combine(logDir, VersionDirectory) }.Distinct(StringComparer.Ordinal))
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in new DirectoryInfo(directory).EnumerateFiles())
            {
                var name = file.Name;
                if (TryNameZxid(name, "snapshot.", out var snapZxid))
                {
                    snapshots.Add(new DataDirFile(file.FullName, file.Length, snapZxid));
                }
                else if (TryNameZxid(name, "log.", out var logZxid))
                {
                    logs.Add(new DataDirFile(file.FullName, file.Length, logZxid));
                }
                else if (name == "currentEpoch")
                {
                    currentEpoch = ReadEpoch(file.FullName, warnings);
                }
                else if (name == "acceptedEpoch")
                {
                    acceptedEpoch = ReadEpoch(file.FullName, warnings);
                }
                else if (!name.StartsWith("currentEpoch.", StringComparison.Ordinal) && !name.StartsWith("acceptedEpoch.", StringComparison.Ordinal))
                {
                    other.Add(file.FullName);
                }
            }
        }

        snapshots.Sort((a, b) => a.NameZxid.CompareTo(b.NameZxid));
        logs.Sort((a, b) => a.NameZxid.CompareTo(b.NameZxid));
        return new DataDirInspection
        {
            DataDir = dataDir,
            DataLogDir = logDir,
            MyIdPresent = File.Exists(Path.Combine(dataDir, "myid")),
            Snapshots = snapshots,
            TxnLogs = logs,
            LastLoggedZxid = LastLoggedZxid(logs, warnings),
            LastSnapshotZxid = snapshots.Count == 0 ? -1 : snapshots[^1].NameZxid,
            CurrentEpoch = currentEpoch,
            AcceptedEpoch = acceptedEpoch,
            OtherFiles = other,
            Warnings = warnings,
        };
    }

    /// <summary>Parses "snapshot.1a2b" / "log.1a2b" (and "snapshot.1a2b.gz" and the like).</summary>
    public static bool TryNameZxid(string name, string prefix, out long zxid)
    {
        zxid = -1;
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name[prefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var hex = dot >= 0 ? rest[..dot] : rest;
        return hex.Length > 0 && long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out zxid);
    }

    private static long LastLoggedZxid(List<DataDirFile> logs, List<string> warnings)
    {
        // Newest first; a log that was just rolled may hold no record yet, so fall back to the one before.
        for (var i = logs.Count - 1; i >= 0; i--)
        {
            try
            {
                var scan = TxnLogReader.Scan(logs[i].Path);
                if (scan.End != TxnLogEnd.Clean)
                {
                    warnings.Add($"{logs[i].Path}: {(scan.End == TxnLogEnd.PartialRecord ? "partial last record" : "checksum mismatch")} after {scan.RecordCount} valid records; those count.");
                }

                if (scan.HasRecords)
                {
                    return scan.LastZxid;
                }
            }
            catch (InvalidTxnLogException e)
            {
                warnings.Add(e.Message);
            }
            catch (IOException e)
            {
                warnings.Add($"{logs[i].Path}: {e.Message}");
            }
        }

        return -1;
    }

    private static long ReadEpoch(string path, List<string> warnings)
    {
        var text = File.ReadAllText(path).Trim();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
        {
            return epoch;
        }

        warnings.Add($"{path}: '{text}' is not an epoch");
        return -1;
    }
}
