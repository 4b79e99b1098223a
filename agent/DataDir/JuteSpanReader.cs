using System.Buffers.Binary;
using System.Text;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Agent.DataDir;

/// <summary>
/// Reads one txn log entry's jute fields (big-endian; buffers and strings with an int length, -1 for null). Every length
/// is checked against what is left of the entry: a record whose checksum matched but whose body does not parse ends in
/// <see cref="InvalidTxnLogException"/>.
/// </summary>
internal ref struct JuteSpanReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _path;
    private int _position;

    public JuteSpanReader(ReadOnlySpan<byte> data, string path)
    {
        _data = data;
        _path = path;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    public byte[]? ReadBuffer()
    {
        var length = ReadLength();
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>A buffer's bytes without copying; empty (and <paramref name="isNull"/>) for length -1.</summary>
    public ReadOnlySpan<byte> ReadBufferSpan(out bool isNull)
    {
        var length = ReadLength();
        isNull = length < 0;
        return isNull ? default : Take(length);
    }

    public string ReadString()
    {
        var length = ReadLength();
        return length < 0 ? "" : Encoding.UTF8.GetString(Take(length));
    }

    public List<ZooKeeperAcl> ReadAcls()
    {
        var count = ReadLength();
        var list = new List<ZooKeeperAcl>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var perms = (ZooKeeperPermissions)ReadInt();
            var scheme = ReadString();
            list.Add(new ZooKeeperAcl(perms, scheme, ReadString()));
        }

        return list;
    }

    public List<string> ReadStrings()
    {
        var count = ReadLength();
        var list = new List<string>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadString());
        }

        return list;
    }

    private int ReadLength()
    {
        var length = ReadInt();
        if (length < -1 || length > Remaining)
        {
            throw new InvalidTxnLogException(_path, $"length {length} with {Remaining} bytes left in a record whose checksum matched: an unknown record layout");
        }

        return length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw new InvalidTxnLogException(_path, $"a record ends {count - Remaining} bytes short of its fields: an unknown record layout");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
