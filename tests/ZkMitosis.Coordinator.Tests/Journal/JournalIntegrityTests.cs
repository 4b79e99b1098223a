using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Journal;

/// <summary>Each record's checksum is chained to the previous one: damage anywhere but a torn tail is refused, naming the line.</summary>
public sealed class JournalIntegrityTests : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly TestDirectory _directory = new("journal-sum");

    private string PathOf => Path.Combine(_directory.Path, "journal.jsonl");

    [Fact]
    public async Task Written_EveryLineEndsWithItsChainedSum()
    {
        await WriteAsync();

        var records = FileJournal.ReadAll(PathOf);
        var lines = await File.ReadAllLinesAsync(PathOf);

        Assert.Equal(3, records.Count);
        Assert.All(lines.Zip(records), pair => Assert.EndsWith($",\"sum\":\"{pair.Second.Checksum}\"}}", pair.First, StringComparison.Ordinal));
        Assert.Equal(JournalChecksum.Compute(JournalChecksum.Seed, JournalChecksum.Split(lines[0])!.Value.Body), records[0].Checksum);
        Assert.Equal(JournalChecksum.Compute(records[0].Checksum!, JournalChecksum.Split(lines[1])!.Value.Body), records[1].Checksum);
    }

    [Fact]
    public async Task FlippedByteInAStepId_RefusedNamingTheLine()
    {
        await WriteAsync();
        var lines = await File.ReadAllLinesAsync(PathOf);
        lines[2] = lines[2].Replace("\"step\":\"cut\"", "\"step\":\"cus\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(PathOf, string.Join('\n', lines) + "\n");

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.ReadAll(PathOf));

        Assert.Contains(PathOf, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3 does not match its checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedCompletedLine_RefusedNamingTheLine()
    {
        await WriteAsync();
        await File.AppendAllTextAsync(PathOf, "{\"type\":\"completed\"}\n");

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.Open(PathOf));

        Assert.Contains("line 4 has no checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedLineWithAMadeUpSum_Refused()
    {
        await WriteAsync();
        var (line, _) = JournalChecksum.Seal("{\"v\":2,\"seq\":4,\"type\":\"completed\"}", JournalChecksum.Seed);
        await File.AppendAllTextAsync(PathOf, line + "\n");

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.ReadAll(PathOf));

        Assert.Contains("line 4 does not match its checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordRemovedFromTheMiddle_RefusedAtTheNextLine()
    {
        await WriteAsync();
        var lines = await File.ReadAllLinesAsync(PathOf);
        await File.WriteAllTextAsync(PathOf, $"{lines[0]}\n{lines[2]}\n");

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.ReadAll(PathOf));

        Assert.Contains("line 2 does not match its checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SequenceGapUnderAValidChain_Refused()
    {
        // Sealed correctly but numbered 1, 3: only a writer that skipped a number (or recomputed the chain) makes this.
        var (first, sum) = JournalChecksum.Seal($"{{\"v\":2,\"seq\":1,\"at\":\"2026-12-01T00:00:00+00:00\",\"type\":\"run-started\",\"value\":{{\"planId\":\"p-1\",\"planSha256\":\"{Sha}\"}}}}", JournalChecksum.Seed);
        var (second, _) = JournalChecksum.Seal("{\"v\":2,\"seq\":3,\"at\":\"2026-12-01T00:00:00+00:00\",\"type\":\"completed\"}", sum);
        await File.WriteAllTextAsync(PathOf, $"{first}\n{second}\n");

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.ReadAll(PathOf));

        Assert.Contains("line 2 has sequence 3, expected 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortPlanSha256_RefusedNotACrashLater()
    {
        using (var journal = FileJournal.Open(PathOf))
        {
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.RunStarted, Value = new JsonObject { ["planId"] = "p-1", ["planSha256"] = "abc" } }, default);
        }

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.ReadAll(PathOf));

        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("planSha256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZeroLengthJournal_DamagedForAMigrationThatStarted()
    {
        await File.WriteAllBytesAsync(PathOf, []);

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.ReadExisting(PathOf));

        Assert.Contains("holds no complete record", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyATornLine_DamagedForAMigrationThatStarted()
    {
        await File.WriteAllTextAsync(PathOf, "{\"v\":2,\"seq\":1,\"type\":\"run-sta");

        Assert.Throws<JournalCorruptException>(() => FileJournal.ReadExisting(PathOf));
    }

    [Fact]
    public async Task TornLastLine_DroppedAndTheChainGoesOn()
    {
        await WriteAsync();
        var whole = await File.ReadAllTextAsync(PathOf);
        await File.AppendAllTextAsync(PathOf, "{\"v\":2,\"seq\":4,\"type\":\"compl");

        using (var journal = FileJournal.Open(PathOf))
        {
            Assert.True(journal.DroppedTornTail);
            Assert.Equal(whole, await File.ReadAllTextAsync(PathOf));
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "elect", Attempt = 1 }, default);
        }

        Assert.Equal([1L, 2L, 3L, 4L], FileJournal.ReadAll(PathOf).Select(r => r.Sequence));
    }

    [Fact]
    public async Task LegacyRecordWithoutChecksum_RefusedWithTheReason()
    {
        await File.WriteAllTextAsync(PathOf, "{\"v\":1,\"seq\":1,\"at\":\"2026-12-01T00:00:00+00:00\",\"type\":\"run-started\"}\n");

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.ReadExisting(PathOf));

        Assert.Contains("line 1 has schema version 1 (no checksum)", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private async Task WriteAsync()
    {
        using var journal = FileJournal.Open(PathOf);
        await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.RunStarted, Value = new JsonObject { ["planId"] = "p-1", ["planSha256"] = Sha } }, default);
        await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "cut", Attempt = 1 }, default);
        await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepCompleted, Step = "cut", Attempt = 1, Message = "ü <&> \"quoted\"" }, default);
    }
}
