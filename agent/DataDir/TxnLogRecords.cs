using System.Buffers.Binary;

namespace ZkMitosis.Agent.DataDir;

/// <summary>Receives one txn log record: its TxnHeader and the bytes after it (the txn, then any TxnDigest).</summary>
public delegate void TxnRecordHandler(TxnRecordHeader header, ReadOnlySpan<byte> txn);

/// <summary>
/// Walks the valid records of one txn log (the format <see cref="TxnLogReader"/> describes) and hands each to a handler;
/// stops at the zero padding, a torn record or a checksum mismatch, as ZooKeeper's own reader does on start.
/// </summary>
public static class TxnLogRecords
{
    private const int TxnHeaderBytes = 8 + 4 + 8 + 8 + 4;
    private const int MaxEntryBytes = 100 * 1024 * 1024;

    /// <summary>Reads <paramref name="path"/>; returns how the log ended.</summary>
    /// <exception cref="InvalidTxnLogException">the file has no txn log header.</exception>
    public static TxnLogEnd ForEach(string path, TxnRecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        Span<byte> header = stackalloc byte[TxnLogReader.HeaderBytes];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length
            || BinaryPrimitives.ReadInt32BigEndian(header) != TxnLogReader.Magic)
        {
            throw new InvalidTxnLogException(path, "no txn log header (\"ZKLG\")");
        }

        Span<byte> prefix = stackalloc byte[12];
        var entry = new byte[4096];
        while (true)
        {
            var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
            if (got < prefix.Length)
            {
                return prefix[..got].IndexOfAnyExcept((byte)0) < 0 ? TxnLogEnd.Clean : TxnLogEnd.PartialRecord;
            }

            var checksum = BinaryPrimitives.ReadInt64BigEndian(prefix);
            var length = BinaryPrimitives.ReadInt32BigEndian(prefix[8..]);
            if (length == 0)
            {
                return checksum == 0 ? TxnLogEnd.Clean : TxnLogEnd.PartialRecord;
            }

            if (length < TxnHeaderBytes || length > MaxEntryBytes)
            {
                return TxnLogEnd.PartialRecord;
            }

            if (entry.Length < length + 1)
            {
                entry = new byte[Math.Max(length + 1, entry.Length * 2)];
            }

            var body = entry.AsSpan(0, length + 1);
            if (stream.ReadAtLeast(body, body.Length, throwOnEndOfStream: false) < body.Length || body[length] != 0x42)
            {
                return TxnLogEnd.PartialRecord;
            }

            if ((ulong)checksum > uint.MaxValue || (uint)checksum != Adler32.Compute(body[..length]))
            {
                return TxnLogEnd.ChecksumMismatch;
            }

            var txnHeader = new TxnRecordHeader(
                BinaryPrimitives.ReadInt64BigEndian(body),
                BinaryPrimitives.ReadInt32BigEndian(body[8..]),
                BinaryPrimitives.ReadInt64BigEndian(body[12..]),
                BinaryPrimitives.ReadInt64BigEndian(body[20..]),
                BinaryPrimitives.ReadInt32BigEndian(body[28..]));
            handler(txnHeader, body[TxnHeaderBytes..length]);
        }
    }
}
