using System.Buffers.Binary;
using System.Text;

namespace ZkMitosis.ZooKeeper.Protocol;

/// <summary>
/// Reads jute records from one frame. Every length is checked against what is left of the frame, so a
/// truncated or lying record ends in <see cref="ZooKeeperProtocolException"/>, never in a huge allocation.
/// </summary>
internal ref struct JuteReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public JuteReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public int ReadInt()
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(Take(4));
        return value;
    }

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    /// <summary>A jute buffer; null for length −1.</summary>
    public byte[]? ReadBuffer()
    {
        var length = ReadLength("buffer");
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>A jute ustring; null for length −1.</summary>
    public string? ReadString()
    {
        var length = ReadLength("string");
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public string ReadRequiredString(string what) =>
        ReadString() ?? throw new ZooKeeperProtocolException($"null {what} in a reply");

    public List<string> ReadStrings()
    {
        var count = ReadLength("vector<ustring>");
        if (count < 0)
        {
            return [];
        }

        // Each element takes at least its 4-byte length, which bounds the count by what is left.
        if (count > Remaining / 4)
        {
            throw new ZooKeeperProtocolException($"vector of {count} strings does not fit in the {Remaining} bytes left of the frame");
        }

        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadRequiredString("vector element"));
        }

        return list;
    }

    public ZooKeeperStat ReadStat()
    {
        var span = Take(68);
        return new ZooKeeperStat(
            Czxid: BinaryPrimitives.ReadInt64BigEndian(span),
            Mzxid: BinaryPrimitives.ReadInt64BigEndian(span[8..]),
            Ctime: BinaryPrimitives.ReadInt64BigEndian(span[16..]),
            Mtime: BinaryPrimitives.ReadInt64BigEndian(span[24..]),
            Version: BinaryPrimitives.ReadInt32BigEndian(span[32..]),
            Cversion: BinaryPrimitives.ReadInt32BigEndian(span[36..]),
            Aversion: BinaryPrimitives.ReadInt32BigEndian(span[40..]),
            EphemeralOwner: BinaryPrimitives.ReadInt64BigEndian(span[44..]),
            DataLength: BinaryPrimitives.ReadInt32BigEndian(span[52..]),
            NumChildren: BinaryPrimitives.ReadInt32BigEndian(span[56..]),
            Pzxid: BinaryPrimitives.ReadInt64BigEndian(span[60..]));
    }

    public List<ZooKeeperAcl> ReadAcls()
    {
        var count = ReadLength("vector<ACL>");
        if (count < 0)
        {
            return [];
        }

        if (count > Remaining / 12)
        {
            throw new ZooKeeperProtocolException($"vector of {count} ACLs does not fit in the {Remaining} bytes left of the frame");
        }

        var list = new List<ZooKeeperAcl>(count);
        for (var i = 0; i < count; i++)
        {
            var perms = (ZooKeeperPermissions)ReadInt();
            var scheme = ReadRequiredString("ACL scheme");
            var id = ReadRequiredString("ACL id");
            list.Add(new ZooKeeperAcl(perms, scheme, id));
        }

        return list;
    }

    private int ReadLength(string what)
    {
        var length = ReadInt();
        if (length < -1)
        {
            throw new ZooKeeperProtocolException($"negative {what} length {length}");
        }

        if (length > Remaining)
        {
            throw new ZooKeeperProtocolException($"{what} length {length} exceeds the {Remaining} bytes left of the frame");
        }

        return length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new ZooKeeperProtocolException($"record truncated: needed {count} more bytes, {_data.Length - _position} left of the frame");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
