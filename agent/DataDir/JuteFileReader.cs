using System.Buffers.Binary;
using System.Text;

namespace ZkMitosis.Agent.DataDir;

/// <summary>
/// Reads jute's binary archive (big-endian ints and longs; buffers and strings as an int length, -1 for null, then the
/// bytes; org.apache.jute.BinaryInputArchive) from a file, keeping the Adler-32 of every byte consumed so far, as
/// ZooKeeper's <c>SnapStream.getInputStream</c> wraps the file in a <c>CheckedInputStream</c>. Every length is checked
/// against a bound, so a corrupt file ends in <see cref="InvalidSnapshotException"/>, never a huge allocation.
/// </summary>
internal sealed class JuteFileReader : IDisposable
{
    private readonly Stream _stream;
    private readonly string _path;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _position;
    private int _length;
    private int _checked;
    private uint _adler = 1;
    private long _consumedBefore;

    public JuteFileReader(Stream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>Bytes consumed from the start of the file.</summary>
    public long Offset => _consumedBefore + _position;

    /// <summary>The Adler-32 of every byte consumed so far (what <c>CheckedInputStream.getChecksum()</c> answers).</summary>
    public uint Checksum
    {
        get
        {
            _adler = Adler32.Update(_adler, _buffer.AsSpan(_checked, _position - _checked));
            _checked = _position;
            return _adler;
        }
    }

    /// <summary>True when every byte of the file has been consumed.</summary>
    public bool AtEnd => _position == _length && Fill(1) == 0;

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>A jute buffer of at most <paramref name="maxBytes"/>; null for length -1.</summary>
    public byte[]? ReadBuffer(int maxBytes)
    {
        var length = ReadLength("buffer", maxBytes);
        if (length < 0)
        {
            return null;
        }

        var result = new byte[length];
        Copy(result);
        return result;
    }

    /// <summary>Skips a jute buffer; true when it was null (length -1).</summary>
    public bool SkipBuffer(int maxBytes)
    {
        var length = ReadLength("buffer", maxBytes);
        Skip(Math.Max(length, 0));
        return length < 0;
    }

    /// <summary>A jute ustring (UTF-8) of at most <paramref name="maxBytes"/>; null for length -1.</summary>
    public string? ReadString(int maxBytes)
    {
        var length = ReadLength("string", maxBytes);
        if (length < 0)
        {
            return null;
        }

        if (length <= _buffer.Length)
        {
            return Encoding.UTF8.GetString(Take(length));
        }

        var bytes = new byte[length];
        Copy(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    public void Dispose() => _stream.Dispose();

    private int ReadLength(string what, int maxBytes)
    {
        var length = ReadInt();
        if (length < -1 || length > maxBytes)
        {
            throw new InvalidSnapshotException(_path, $"{what} length {length} at byte {Offset - 4} is out of range (-1..{maxBytes}): the file is corrupt");
        }

        return length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_length - _position < count && Fill(count) < count)
        {
            throw new InvalidSnapshotException(_path, $"ends at byte {Offset + (_length - _position)} inside a record: the file is truncated");
        }

        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void Copy(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_position == _length && Fill(1) == 0)
            {
                throw new InvalidSnapshotException(_path, $"ends at byte {Offset} inside a record: the file is truncated");
            }

            var run = Math.Min(destination.Length, _length - _position);
            _buffer.AsSpan(_position, run).CopyTo(destination);
            _position += run;
            destination = destination[run..];
        }
    }

    private void Skip(int count)
    {
        while (count > 0)
        {
            if (_position == _length && Fill(1) == 0)
            {
                throw new InvalidSnapshotException(_path, $"ends at byte {Offset} inside a record: the file is truncated");
            }

            var run = Math.Min(count, _length - _position);
            _position += run;
            count -= run;
        }
    }

    /// <summary>Moves the unread bytes to the front and reads until at least <paramref name="wanted"/> are buffered or the file ends.</summary>
    private int Fill(int wanted)
    {
        _ = Checksum;
        var unread = _length - _position;
        _buffer.AsSpan(_position, unread).CopyTo(_buffer);
        _consumedBefore += _position;
        _position = 0;
        _checked = 0;
        _length = unread;
        while (_length < wanted)
        {
            var read = _stream.Read(_buffer, _length, _buffer.Length - _length);
            if (read == 0)
            {
                break;
            }

            _length += read;
        }

        return _length;
    }
}
