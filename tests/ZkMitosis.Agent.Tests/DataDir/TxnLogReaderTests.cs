extern alias AgentServer;

using System.Buffers.Binary;
using AgentServer::ZkMitosis.Agent.DataDir;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.DataDir;

/// <summary>The txn log format as written here byte by byte (real ZooKeeper logs are covered by the lifecycle test).</summary>
public sealed class TxnLogReaderTests : IDisposable
{
    private readonly TestDirectory _directory = new("zkat-txn");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Scan_ThreeRecordsThenZeroPadding_LastZxidIsTheThird()
    {
        var path = WriteLog("log.100000001", [0x100000001, 0x100000002, 0x100000003], padding: 4096);

        var scan = TxnLogReader.Scan(path);

        Assert.Equal(3, scan.RecordCount);
        Assert.Equal(0x100000001, scan.FirstZxid);
        Assert.Equal(0x100000003, scan.LastZxid);
        Assert.Equal(TxnLogEnd.Clean, scan.End);
    }

    [Fact]
    public void Scan_LastRecordTorn_PreviousRecordWins()
    {
        var path = WriteLog("log.1", [1, 2, 3], padding: 0);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        var scan = TxnLogReader.Scan(path);

        Assert.Equal(2, scan.LastZxid);
        Assert.Equal(TxnLogEnd.PartialRecord, scan.End);
    }

    [Fact]
    public void Scan_ChecksumOfLastRecordWrong_PreviousRecordWins()
    {
        var path = WriteLog("log.1", [1, 2, 3], padding: 64);
        var bytes = File.ReadAllBytes(path);
        var recordLength = (bytes.Length - 64 - TxnLogReader.HeaderBytes) / 3;
        bytes[TxnLogReader.HeaderBytes + (2 * recordLength) + 20] ^= 0xff;
        File.WriteAllBytes(path, bytes);

        var scan = TxnLogReader.Scan(path);

        Assert.Equal(2, scan.LastZxid);
        Assert.Equal(TxnLogEnd.ChecksumMismatch, scan.End);
    }

    [Fact]
    public void Scan_NotATxnLog_InvalidTxnLogException()
    {
        var path = Path.Combine(_directory.Path, "log.1");
        File.WriteAllText(path, "this is not a transaction log at all");

        var error = Assert.Throws<InvalidTxnLogException>(() => TxnLogReader.Scan(path));

        Assert.Contains("bad magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_NewestLogEmpty_FallsBackToThePreviousLog()
    {
        var version = Path.Combine(_directory.Path, "version-2");
        Directory.CreateDirectory(version);
        WriteLog(Path.Combine("version-2", "log.1"), [1, 2, 7], padding: 128);
        WriteLog(Path.Combine("version-2", "log.8"), [], padding: 128);
        File.WriteAllBytes(Path.Combine(version, "snapshot.0"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(_directory.Path, "myid"), "1\n");

        var inspection = DataDirInspector.Inspect(_directory.Path, null);

        Assert.Equal(7, inspection.LastLoggedZxid);
        Assert.Equal(0, inspection.LastSnapshotZxid);
        Assert.Equal(7, inspection.LastZxid);
        Assert.False(inspection.IsEmpty);
        Assert.Equal(2, inspection.TxnLogs.Count);
    }

    [Fact]
    public void Inspect_OnlyMyId_Empty()
    {
        File.WriteAllText(Path.Combine(_directory.Path, "myid"), "4\n");

        var inspection = DataDirInspector.Inspect(_directory.Path, null);

        Assert.True(inspection.IsEmpty);
        Assert.True(inspection.MyIdPresent);
        Assert.Equal(-1, inspection.LastZxid);
    }

    [Fact]
    public void Adler32_KnownVector_MatchesRfc1950()
    {
        Assert.Equal(0x11E60398u, Adler32.Compute("Wikipedia"u8));
    }

    /// <summary>A log as FileTxnLog writes it: header, records (checksum, length, TxnHeader + body, 'B'), zero padding.</summary>
    private string WriteLog(string name, long[] zxids, int padding)
    {
        var path = Path.Combine(_directory.Path, name);
        using var stream = File.Create(path);
        var header = new byte[TxnLogReader.HeaderBytes];
        BinaryPrimitives.WriteInt32BigEndian(header, TxnLogReader.Magic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 2);
        stream.Write(header);
        foreach (var zxid in zxids)
        {
            var entry = new byte[32 + 8];
            BinaryPrimitives.WriteInt64BigEndian(entry, 0x1234);
            BinaryPrimitives.WriteInt32BigEndian(entry.AsSpan(8), 1);
            BinaryPrimitives.WriteInt64BigEndian(entry.AsSpan(12), zxid);
            BinaryPrimitives.WriteInt64BigEndian(entry.AsSpan(20), 1_700_000_000_000);
            BinaryPrimitives.WriteInt32BigEndian(entry.AsSpan(28), 1);
            var prefix = new byte[12];
            BinaryPrimitives.WriteInt64BigEndian(prefix, Adler32.Compute(entry));
            BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(8), entry.Length);
            stream.Write(prefix);
            stream.Write(entry);
            stream.WriteByte(0x42);
        }

        stream.Write(new byte[padding]);
        return path;
    }
}
