using System.Text;
using System.Text.Json;

namespace ZkMitosis.Coordinator.Journal;

/// <summary>
/// JSON lines in a file, one record a line, fsynced per record, each sealed with a checksum chained to the
/// previous record's (<see cref="JournalChecksum"/>). A torn last line (a crash while writing) is dropped on open
/// and reported in <see cref="DroppedTornTail"/>; damage anywhere else (a changed byte, a line written by hand, a
/// gap in the sequence) is refused with the line's number, never obeyed.
/// </summary>
/// <remarks>
/// One writer at a time: the caller holds the plan's <see cref="StateDirectoryLock"/> before opening it.
/// </remarks>
public sealed class FileJournal : IMigrationJournal, IDisposable
{
    private readonly List<JournalRecord> _records;
    private readonly FileStream _stream;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _lastSum;

    private FileJournal(string path, FileStream stream, JournalReader.Contents contents, TimeProvider time)
    {
        Path = path;
        _stream = stream;
        _records = contents.Records;
        _lastSum = contents.LastSum;
        DroppedTornTail = contents.Torn;
        _time = time;
    }

    public string Path { get; }

    public bool DroppedTornTail { get; }

    public IReadOnlyList<JournalRecord> Records
    {
        get
        {
            lock (_records)
            {
                return _records.ToList();
            }
        }
    }

    /// <summary>Opens (creating if needed) the journal at <paramref name="path"/> for appending.</summary>
    /// <exception cref="JournalCorruptException">the file is damaged before its last line, or of another schema.</exception>
    public static FileJournal Open(string path, TimeProvider? time = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var contents = JournalReader.Read(path);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (contents.Torn)
        {
            stream.SetLength(contents.ValidLength);
            stream.Flush(flushToDisk: true);
        }

        stream.Seek(0, SeekOrigin.End);
        return new FileJournal(path, stream, contents, time ?? TimeProvider.System);
    }

    /// <summary>Reads a journal without opening it for writing; a missing file has no records.</summary>
    /// <exception cref="JournalCorruptException">the file is damaged before its last line, or of another schema.</exception>
    public static IReadOnlyList<JournalRecord> ReadAll(string path) => JournalReader.Read(path).Records;

    /// <summary>
    /// Reads the journal of a migration that has started (for <c>status</c>, <c>resume</c>, <c>abort</c>): a file
    /// that is missing, empty or holds no whole record is damaged, not a fresh start.
    /// </summary>
    /// <exception cref="JournalCorruptException">the journal is missing, holds no record, or is damaged.</exception>
    public static IReadOnlyList<JournalRecord> ReadExisting(string path)
    {
        if (!File.Exists(path))
        {
            throw new JournalCorruptException(path, "is missing");
        }

        var records = ReadAll(path);
        return records.Count > 0 ? records
            : throw new JournalCorruptException(path, $"holds no complete record ({new FileInfo(path).Length} bytes): it is damaged, not a fresh start; a new migration needs 'migrate run'");
    }

    public async Task<JournalRecord> AppendAsync(JournalRecord record, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            JournalRecord stamped;
            lock (_records)
            {
                stamped = record with { Version = JournalRecord.CurrentVersion, Sequence = _records.Count + 1, At = _time.GetUtcNow(), Checksum = null };
            }

            var (line, sum) = JournalChecksum.Seal(JsonSerializer.Serialize(stamped, JournalJson.Options), _lastSum);
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            await _stream.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
            stamped = stamped with { Checksum = sum };
            _lastSum = sum;
            lock (_records)
            {
                _records.Add(stamped);
            }

            return stamped;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _gate.Dispose();
    }
}
