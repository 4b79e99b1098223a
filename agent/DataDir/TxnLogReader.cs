using System.Buffers.Binary;

namespace ZkMitosis.Agent.DataDir;

/// <summary>
/// Reads ZooKeeper's transaction log files (FileTxnLog), big-endian as jute writes them:
/// <code>
/// header:  magic "ZKLG" (int) | version (int) | dbid (long)
/// record:  checksum (long, Adler-32 of the entry) | length (int) | entry (length bytes) | 0x42 ('B')
/// entry:   TxnHeader(clientId long, cxid int, zxid long, time long, type int) | the txn | [digest]
/// </code>
/// Files are preallocated with zeros, so a zero length marks the end. The last record whose checksum and trailer are
/// intact wins: a torn tail after a crash does not count, exactly as ZooKeeper treats it on start.
/// </summary>
public static class TxnLogReader
{
    /// <summary>"ZKLG" read as a big-endian int.</summary>
    public const int Magic = 0x5A4B4C47;

    public const int HeaderBytes = 16;

    private const int TxnHeaderBytes = 8 + 4 + 8 + 8 + 4;

    private const byte EndOfRecord = 0x42;

    /// <summary>Sanity bound on one entry: jute.maxbuffer is 1 MiB by default; anything near 100 MiB is garbage.</summary>
    private const int MaxEntryBytes = 100 * 1024 * 1024;

    /// <summary>Scans a whole txn log file.</summary>
    /// <exception cref="InvalidTxnLogException">the file has no valid header.</exception>
    public static TxnLogScan Scan(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        return Scan(stream, path);
    }

    /// <summary>Scans a txn log from <paramref name="stream"/>; <paramref name="path"/> names it in results and errors.</summary>
    public static TxnLogScan Scan(Stream stream, string path)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (!ReadExactly(stream, header))
        {
            throw new InvalidTxnLogException(path, $"shorter than the {HeaderBytes}-byte txn log header");
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != Magic)
        {
            throw new InvalidTxnLogException(path, $"bad magic 0x{magic:x8} (a txn log starts with \"ZKLG\")");
        }

        var version = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var dbId = BinaryPrimitives.ReadInt64BigEndian(header[8..]);
        var count = 0;
        long first = -1, last = -1, valid = HeaderBytes;
        var end = TxnLogEnd.Clean;
        Span<byte> prefix = stackalloc byte[12];
        var entry = new byte[4096];
        while (true)
        {
            var got = ReadUpTo(stream, prefix);
            if (got == 0)
            {
                break;
            }

            if (got < prefix.Length)
            {
                // The file ends inside checksum+length: zero padding cut by the file's end is clean, anything else is torn.
                end = prefix[..got].IndexOfAnyExcept((byte)0) < 0 ? TxnLogEnd.Clean : TxnLogEnd.PartialRecord;
                break;
            }

            var checksum = BinaryPrimitives.ReadInt64BigEndian(prefix);
            var length = BinaryPrimitives.ReadInt32BigEndian(prefix[8..]);
            if (length == 0)
            {
                // Preallocated zeros: ZooKeeper's own reader stops here too.
                end = checksum == 0 ? TxnLogEnd.Clean : TxnLogEnd.PartialRecord;
                break;
            }

            if (length < TxnHeaderBytes || length > MaxEntryBytes)
            {
                end = TxnLogEnd.PartialRecord;
                break;
            }

            if (entry.Length < length + 1)
            {
                entry = new byte[Math.Max(length + 1, entry.Length * 2)];
            }

            var body = entry.AsSpan(0, length + 1);
            if (!ReadExactly(stream, body) || body[length] != EndOfRecord)
            {
                end = TxnLogEnd.PartialRecord;
                break;
            }

            if ((uint)checksum != Adler32.Compute(body[..length]) || (ulong)checksum > uint.MaxValue)
            {
                end = TxnLogEnd.ChecksumMismatch;
                break;
            }

            var txn = ReadHeader(body);
            if (count == 0)
            {
                first = txn.Zxid;
            }

            last = txn.Zxid;
            count++;
            valid += prefix.Length + length + 1;
        }

        return new TxnLogScan(path, version, dbId, count, first, last, end, valid);
    }

    /// <summary>Reads every valid record's header (for tests and diagnostics; <see cref="Scan(string)"/> is cheaper).</summary>
    public static IReadOnlyList<TxnRecordHeader> ReadHeaders(string path)
    {
        using var stream = File.OpenRead(path);
        var headers = new List<TxnRecordHeader>();
        var header = new byte[HeaderBytes];
        if (!ReadExactly(stream, header) || BinaryPrimitives.ReadInt32BigEndian(header) != Magic)
        {
            throw new InvalidTxnLogException(path, "no txn log header");
        }

        var prefix = new byte[12];
        while (ReadExactly(stream, prefix))
        {
            var checksum = BinaryPrimitives.ReadInt64BigEndian(prefix);
            var length = BinaryPrimitives.ReadInt32BigEndian(prefix.AsSpan(8));
            if (length < TxnHeaderBytes || length > MaxEntryBytes)
            {
                break;
            }

            var body = new byte[length + 1];
            if (!ReadExactly(stream, body) || body[length] != EndOfRecord || (uint)checksum != Adler32.Compute(body.AsSpan(0, length)))
            {
                break;
            }

            headers.Add(ReadHeader(body));
        }

        return headers;
    }

    private static TxnRecordHeader ReadHeader(ReadOnlySpan<byte> entry) => new(
        BinaryPrimitives.ReadInt64BigEndian(entry),
        BinaryPrimitives.ReadInt32BigEndian(entry[8..]),
        BinaryPrimitives.ReadInt64BigEndian(entry[12..]),
        BinaryPrimitives.ReadInt64BigEndian(entry[20..]),
        BinaryPrimitives.ReadInt32BigEndian(entry[28..]));

    private static bool ReadExactly(Stream stream, Span<byte> buffer) => ReadUpTo(stream, buffer) == buffer.Length;

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
