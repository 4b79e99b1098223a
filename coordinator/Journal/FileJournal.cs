using System.Text;
using System.Text.Json;

namespace ZkMitosis.Coordinator.Journal;

/// <summary>
/// JSON lines in a file, one record a line, fsynced per record. A torn last line (a crash while writing) is
/// dropped on open and reported in <see cref="DroppedTornTail"/>; damage anywhere else is refused.
/// </summary>
public sealed class FileJournal : IMigrationJournal, IDisposable
{
    private readonly List<JournalRecord> _records;
    private readonly FileStream _stream;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private FileJournal(string path, FileStream stream, List<JournalRecord> records, bool droppedTornTail, TimeProvider time)
    {
        Path = path;
        _stream = stream;
        _records = records;
        DroppedTornTail = droppedTornTail;
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
    public static FileJournal Open(string path, TimeProvider? time = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var (records, validLength, torn) = ReadRecords(path);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (torn)
        {
            stream.SetLength(validLength);
            stream.Flush(flushToDisk: true);
        }

        stream.Seek(0, SeekOrigin.End);
        return new FileJournal(path, stream, records, torn, time ?? TimeProvider.System);
    }

    /// <summary>Reads a journal without opening it for writing (for <c>migrate status</c>).</summary>
    public static IReadOnlyList<JournalRecord> ReadAll(string path) => ReadRecords(path).Records;

    public async Task<JournalRecord> AppendAsync(JournalRecord record, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            JournalRecord stamped;
            lock (_records)
            {
                stamped = record with { Version = JournalRecord.CurrentVersion, Sequence = _records.Count + 1, At = _time.GetUtcNow() };
            }

            var line = JsonSerializer.Serialize(stamped, JournalJson.Options) + "\n";
            var bytes = Encoding.UTF8.GetBytes(line);
            await _stream.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
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

    private static (List<JournalRecord> Records, long ValidLength, bool Torn) ReadRecords(string path)
    {
        var records = new List<JournalRecord>();
        if (!File.Exists(path))
        {
            return (records, 0, false);
        }

        var bytes = File.ReadAllBytes(path);
        var offset = 0;
        while (offset < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', offset);
            if (end < 0)
            {
                // A crash while appending leaves an unterminated last line: that record was never acknowledged.
                return (records, offset, true);
            }

            var line = Encoding.UTF8.GetString(bytes, offset, end - offset);
            JournalRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<JournalRecord>(line, JournalJson.Options);
            }
            catch (JsonException e)
            {
                throw new JournalCorruptException(path, $"record {records.Count + 1} is not valid JSON: {e.Message}");
            }

            if (record is null)
            {
                throw new JournalCorruptException(path, $"record {records.Count + 1} is empty");
            }

            if (record.Version > JournalRecord.CurrentVersion)
            {
                throw new JournalCorruptException(path, $"record {record.Sequence} has schema version {record.Version}; this coordinator reads up to {JournalRecord.CurrentVersion}");
            }

            records.Add(record);
            offset = end + 1;
        }

        return (records, offset, false);
    }
}
