using FsCheck;
using FsCheck.Xunit;
using ZkMitosis.ZooKeeper.Protocol;

namespace ZkMitosis.ZooKeeper.Tests.Protocol;

/// <summary>Properties of the jute encoding: what is written reads back the same; what is cut or forged never reads past the frame.</summary>
public sealed class JuteEncodingProperties
{
    [Property(MaxTest = 300)]
    public bool Primitives_WriteThenRead_RoundTrip(int i, long l, bool b, byte[]? buffer, string? text)
    {
        using var writer = new JuteWriter(16);
        writer.WriteInt(i);
        writer.WriteLong(l);
        writer.WriteBool(b);
        writer.WriteBuffer(buffer ?? []);
        writer.WriteString(text);

        var reader = new JuteReader(writer.WrittenSpan);
        return reader.ReadInt() == i
            && reader.ReadLong() == l
            && reader.ReadBool() == b
            && (reader.ReadBuffer() ?? []).AsSpan().SequenceEqual(buffer ?? [])
            && reader.ReadString() == ValidUtf16(text)
            && reader.Remaining == 0;
    }

    [Property(MaxTest = 200)]
    public bool StringsAndAcls_WriteThenRead_RoundTrip(NonNull<string>[] strings, int[] perms, NonNull<string>[] ids)
    {
        var list = strings.Select(s => ValidUtf16(s.Get)!).ToList();
        var acls = perms.Zip(ids, (p, id) => new ZooKeeperAcl((ZooKeeperPermissions)p, "digest", ValidUtf16(id.Get)!)).ToList();
        using var writer = new JuteWriter(8);
        writer.WriteStrings(list);
        writer.WriteAcls(acls);

        var reader = new JuteReader(writer.WrittenSpan);
        return reader.ReadStrings().SequenceEqual(list) && reader.ReadAcls().SequenceEqual(acls) && reader.Remaining == 0;
    }

    [Property(MaxTest = 200)]
    public bool Stat_WriteThenRead_RoundTrip(long czxid, long mzxid, long ctime, long mtime, int version, int cversion, int aversion, long owner, int length, int children, long pzxid)
    {
        var stat = new ZooKeeperStat(czxid, mzxid, ctime, mtime, version, cversion, aversion, owner, length, children, pzxid);
        using var writer = new JuteWriter(8);
        foreach (var value in new long[] { czxid, mzxid, ctime, mtime })
        {
            writer.WriteLong(value);
        }

        writer.WriteInt(version);
        writer.WriteInt(cversion);
        writer.WriteInt(aversion);
        writer.WriteLong(owner);
        writer.WriteInt(length);
        writer.WriteInt(children);
        writer.WriteLong(pzxid);

        var reader = new JuteReader(writer.WrittenSpan);
        return reader.ReadStat() == stat && reader.Remaining == 0;
    }

    [Property(MaxTest = 300)]
    public bool Record_TruncatedAnywhere_ProtocolErrorNeverOverread(byte[] data, NonNull<string> text, PositiveInt cutSeed)
    {
        using var writer = new JuteWriter(8);
        writer.WriteBuffer(data);
        writer.WriteString(text.Get);
        writer.WriteStrings([text.Get, text.Get]);
        var cut = cutSeed.Get % writer.Length;

        try
        {
            var reader = new JuteReader(writer.WrittenSpan[..cut]);
            reader.ReadBuffer();
            reader.ReadString();
            reader.ReadStrings();
            return false;
        }
        catch (ZooKeeperProtocolException)
        {
            return true;
        }
    }

    [Property(MaxTest = 500)]
    public bool ArbitraryBytes_ReadAsReply_OnlyProtocolErrors(byte[] garbage)
    {
        try
        {
            var reader = new JuteReader(garbage);
            reader.ReadStrings();
            reader.ReadAcls();
            reader.ReadBuffer();
            reader.ReadStat();
            return reader.Remaining >= 0;
        }
        catch (ZooKeeperProtocolException)
        {
            return true;
        }
    }

    [Property(MaxTest = 200)]
    public bool LengthPrefix_LongerThanFrame_Refused(PositiveInt extra, byte[] body)
    {
        using var writer = new JuteWriter(8);
        writer.WriteInt(body.Length + extra.Get);
        writer.WriteBuffer(body);

        try
        {
            new JuteReader(writer.WrittenSpan[..(4 + body.Length)]).ReadBuffer();
            return false;
        }
        catch (ZooKeeperProtocolException e)
        {
            return e.Message.Contains("exceeds", StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Frame_BeginEnd_LengthPrefixIsPayloadSize()
    {
        using var writer = new JuteWriter(4);
        var start = writer.BeginFrame();
        writer.WriteString("/a/b");
        writer.WriteBool(true);

        var payload = writer.EndFrame(start);

        Assert.Equal(4 + 4 + 1, payload);
        Assert.Equal(payload, new JuteReader(writer.WrittenSpan).ReadInt());
    }

    /// <summary>Lone surrogates cannot survive UTF-8 (Java's encoder replaces them too): compare with what UTF-8 keeps.</summary>
    private static string? ValidUtf16(string? text) =>
        text is null ? null : System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));
}
