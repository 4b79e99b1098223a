using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ZkMitosis.Coordinator.Journal;

/// <summary>
/// Reads a journal file and checks it line by line: the checksum chain, the sequence, the schema version and the
/// fields later code relies on (a run's plan id and plan sha256). The first damaged line stops the read with its
/// number; only an unterminated last line, a write cut short by a crash and never acknowledged, is dropped.
/// </summary>
internal static partial class JournalReader
{
    /// <summary>What a journal holds: its records, the byte length they cover, whether a torn tail was dropped, the last sum.</summary>
    public sealed record Contents(List<JournalRecord> Records, long ValidLength, bool Torn, string LastSum);

    [GeneratedRegex("^[0-9a-f]{64}\\z")]
    private static partial Regex Sha256Pattern();

    /// <exception cref="JournalCorruptException">a damaged line before the end, naming it.</exception>
    public static Contents Read(string path)
    {
        var records = new List<JournalRecord>();
        var previous = JournalChecksum.Seed;
        if (!File.Exists(path))
        {
            return new(records, 0, false, previous);
        }

        var bytes = File.ReadAllBytes(path);
        var offset = 0;
        var lineNumber = 0;
        while (offset < bytes.Length)
        {
            lineNumber++;
            var end = Array.IndexOf(bytes, (byte)'\n', offset);
            if (end < 0)
            {
                // A crash while appending leaves an unterminated last line: that record was never acknowledged.
                return new(records, offset, true, previous);
            }

            var line = Encoding.UTF8.GetString(bytes, offset, end - offset);
            var record = Check(path, lineNumber, line, previous, records.Count + 1);
            records.Add(record);
            previous = record.Checksum!;
            offset = end + 1;
        }

        return new(records, offset, false, previous);
    }

    private static JournalRecord Check(string path, int lineNumber, string line, string previous, long expectedSequence)
    {
        JournalRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<JournalRecord>(line, JournalJson.Options);
        }
        catch (JsonException e)
        {
            throw Damaged(path, lineNumber, $"is not a valid record ({e.Message})");
        }

        if (record is null)
        {
            throw Damaged(path, lineNumber, "is empty");
        }

        if (record.Version > JournalRecord.CurrentVersion)
        {
            throw new JournalCorruptException(path, $"line {lineNumber} has schema version {record.Version}; this coordinator reads up to {JournalRecord.CurrentVersion}: use a newer zkmitosis");
        }

        if (record.Version < JournalRecord.CurrentVersion && record.Checksum is null)
        {
            throw new JournalCorruptException(path, $"line {lineNumber} has schema version {record.Version} (no checksum), written by an older zkmitosis: finish or abort that migration with the version that started it");
        }

        if (JournalChecksum.Split(line) is not (var body, var sum) || record.Checksum != sum)
        {
            throw Damaged(path, lineNumber, "has no checksum (a line written by hand?)");
        }

        if (JournalChecksum.Compute(previous, body) != sum)
        {
            throw Damaged(path, lineNumber, "does not match its checksum (changed since it was written, or a record before it was removed)");
        }

        if (record.Sequence != expectedSequence)
        {
            throw Damaged(path, lineNumber, $"has sequence {record.Sequence}, expected {expectedSequence}");
        }

        if (record.Type == JournalRecordTypes.RunStarted && !IsRunStarted(record.Value))
        {
            throw Damaged(path, lineNumber, "starts a run without a plan id and a 64-hex-digit planSha256");
        }

        return record;
    }

    /// <summary>A run-started value as the engine folds it: a plan id and the plan's full sha256 (the engine prints a prefix of it).</summary>
    private static bool IsRunStarted(JsonNode? value) =>
        value is JsonObject run
        && run["planId"] is JsonValue planId && planId.GetValueKind() == JsonValueKind.String
        && run["planSha256"] is JsonValue sha && sha.GetValueKind() == JsonValueKind.String && Sha256Pattern().IsMatch(sha.GetValue<string>());

    private static JournalCorruptException Damaged(string path, int lineNumber, string what) =>
        new(path, $"line {lineNumber} {what}; the journal is damaged and cannot be trusted: nothing was done (restore it, or inspect it by hand)");
}
