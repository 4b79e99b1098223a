namespace ZkMitosis.Coordinator.Journal;

/// <summary>
/// The migration's durable memory: append-only records, each durable before <see cref="AppendAsync"/> returns.
/// The engine never trusts it alone: every step re-checks the world, the journal says where to look.
/// </summary>
public interface IMigrationJournal
{
    /// <summary>Every record written so far, in order.</summary>
    IReadOnlyList<JournalRecord> Records { get; }

    /// <summary>Appends <paramref name="record"/> (its sequence and time are assigned here) and makes it durable.</summary>
    Task<JournalRecord> AppendAsync(JournalRecord record, CancellationToken cancellationToken);
}

/// <summary>A journal that cannot be read: corrupt in the middle, or written by a newer schema.</summary>
public sealed class JournalCorruptException(string path, string message) : Exception($"journal {path}: {message}")
{
    public string JournalPath { get; } = path;
}
