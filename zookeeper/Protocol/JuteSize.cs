using System.Text;

namespace ZkMitosis.ZooKeeper.Protocol;

/// <summary>Lengths of jute fields on the wire, so a request can be sized before it is encoded.</summary>
internal static class JuteSize
{
    /// <summary>A ustring: 4-byte length, then its UTF-8 bytes (a null string is the length −1 alone).</summary>
    public static int String(string? value) => 4 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));

    /// <summary>A buffer: 4-byte length, then its bytes (null data is the length −1 alone).</summary>
    public static int Buffer(ReadOnlyMemory<byte>? value) => 4 + (value?.Length ?? 0);
}
