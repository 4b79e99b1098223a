using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Journal;

public sealed class FileJournalTests : IDisposable
{
    private readonly TestDirectory _directory = new("journal");

    private string PathOf => System.IO.Path.Combine(_directory.Path, "journal.jsonl");

    [Fact]
    public async Task AppendAsync_ThenReopen_ReadsEveryRecordInOrder()
    {
        using (var journal = FileJournal.Open(PathOf))
        {
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "cut", Attempt = 1 }, default);
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.Observation, Step = "cut", Key = "k", Value = new JsonObject { ["a"] = 1 } }, default);
        }

        using var reopened = FileJournal.Open(PathOf);
        Assert.Equal([1L, 2L], reopened.Records.Select(r => r.Sequence));
        Assert.Equal(1, reopened.Records[1].Value!["a"]!.GetValue<int>());
        Assert.All(reopened.Records, r => Assert.Equal(JournalRecord.CurrentVersion, r.Version));
        Assert.False(reopened.DroppedTornTail);
    }

    [Fact]
    public async Task Open_TornLastLine_DropsItAndAppendsAfter()
    {
        using (var journal = FileJournal.Open(PathOf))
        {
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "join", Attempt = 1 }, default);
        }

        await File.AppendAllTextAsync(PathOf, "{\"v\":2,\"seq\":2,\"type\":\"step-comp");

        using (var journal = FileJournal.Open(PathOf))
        {
            Assert.True(journal.DroppedTornTail);
            Assert.Single(journal.Records);
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepCompleted, Step = "join", Attempt = 1 }, default);
        }

        Assert.Equal([JournalRecordTypes.StepStarted, JournalRecordTypes.StepCompleted], FileJournal.ReadAll(PathOf).Select(r => r.Type));
    }

    [Fact]
    public async Task Open_CorruptRecordInTheMiddle_Refused()
    {
        using (var journal = FileJournal.Open(PathOf))
        {
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "join", Attempt = 1 }, default);
            await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepCompleted, Step = "join", Attempt = 1 }, default);
        }

        var lines = await File.ReadAllLinesAsync(PathOf);
        await File.WriteAllTextAsync(PathOf, $"{lines[0]}\nnot json\n{lines[1]}\n");

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.Open(PathOf));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_NewerSchemaVersion_Refused()
    {
        await File.WriteAllTextAsync(PathOf, "{\"v\":99,\"seq\":1,\"type\":\"run-started\"}\n");

        var error = Assert.Throws<JournalCorruptException>(() => FileJournal.Open(PathOf));
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JournalState_FoldsAttemptsCompletionsAndObservations()
    {
        var records = new[]
        {
            new JournalRecord { Type = JournalRecordTypes.RunStarted, Value = new JsonObject { ["planId"] = "p1", ["planSha256"] = "abc" } },
            new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "a", Attempt = 1 },
            new JournalRecord { Type = JournalRecordTypes.StepCompleted, Step = "a", Attempt = 1 },
            new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "b", Attempt = 1 },
            new JournalRecord { Type = JournalRecordTypes.Observation, Step = "b", Key = "x", Value = JsonValue.Create(1) },
            new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "b", Attempt = 2 },
            new JournalRecord { Type = JournalRecordTypes.Observation, Step = "b", Key = "x", Value = JsonValue.Create(2) },
        };

        var state = JournalState.From(records);

        Assert.Equal("p1", state.PlanId);
        Assert.True(state.IsCompleted("a"));
        Assert.False(state.IsCompleted("b"));
        Assert.Equal("b", state.InProgressStep);
        Assert.Equal(2, state.Attempts("b"));
        Assert.Equal(2, state.Observation("b", "x")!.GetValue<int>());
    }

    public void Dispose() => _directory.Dispose();
}
