using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ZkMitosis.ZooKeeper.Protocol;

/// <summary>
/// Jute (ZooKeeper's record encoding, big-endian) written into a growable buffer rented from the shared pool.
/// One instance collects many frames so they go out in one socket send.
/// </summary>
internal sealed class JuteWriter : IDisposable
{
    private byte[] _buffer;

    public JuteWriter(int initialCapacity = 64 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>Forgets everything written; shrinks back when a huge frame made the buffer grow.</summary>
    public void Reset()
    {
        Length = 0;
        if (_buffer.Length > 4 * 1024 * 1024)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        }
    }

    /// <summary>Drops what was written after <paramref name="length"/> (a frame that turned out too large).</summary>
    public void Truncate(int length) => Length = length;

    /// <summary>Reserves the 4-byte length prefix of a frame; returns where the frame starts.</summary>
    public int BeginFrame()
    {
        var start = Length;
        WriteInt(0);
        return start;
    }

    /// <summary>Patches the length prefix; returns the frame's payload length (without the prefix).</summary>
    public int EndFrame(int start)
    {
        var payload = Length - start - 4;
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start), payload);
        return payload;
    }

    public void PatchInt(int offset, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(offset), value);

    public void WriteInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        Length += 4;
    }

    public void WriteLong(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        Length += 8;
    }

    public void WriteBool(bool value)
    {
        Reserve(1)[0] = value ? (byte)1 : (byte)0;
        Length += 1;
    }

    /// <summary>A jute buffer: length then bytes.</summary>
    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        value.CopyTo(Reserve(value.Length));
        Length += value.Length;
    }

    /// <summary>A jute buffer, or null (length −1) when <paramref name="value"/> is null.</summary>
    public void WriteNullableBuffer(ReadOnlyMemory<byte>? value)
    {
        if (value is { } bytes)
        {
            WriteBuffer(bytes.Span);
        }
        else
        {
            WriteInt(-1);
        }
    }

    /// <summary>A jute ustring: UTF-8 byte length then bytes; null as length −1.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = Reserve(4 + max);
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, written);
        Length += 4 + written;
    }

    public void WriteStrings(IReadOnlyCollection<string> values)
    {
        WriteInt(values.Count);
        foreach (var value in values)
        {
            WriteString(value);
        }
    }

    public void WriteAcls(IReadOnlyList<ZooKeeperAcl> acl)
    {
        WriteInt(acl.Count);
        for (var i = 0; i < acl.Count; i++)
        {
            WriteInt((int)acl[i].Permissions);
            WriteString(acl[i].Scheme);
            WriteString(acl[i].Id);
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - Length < count)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + count));
            _buffer.AsSpan(0, Length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        return _buffer.AsSpan(Length);
    }
}
