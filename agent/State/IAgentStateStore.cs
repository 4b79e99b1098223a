namespace ZkMitosis.Agent.State;

/// <summary>The agent's persisted state: operation records and the lease. Behind an interface so tests can swap it.</summary>
public interface IAgentStateStore
{
    /// <summary>
    /// The outcome of the last writability probe or state write: false once the state dir could not be written. Mutations
    /// are refused and the agent is not ready while it is false.
    /// </summary>
    bool Writable { get; }

    /// <summary>Checks that the state dir can be written, without creating any file in it; updates <see cref="Writable"/>.</summary>
    bool ProbeWritable();

    OperationRecord? FindOperation(string operationId);

    /// <summary>Every operation record (unreadable ones are skipped).</summary>
    IReadOnlyList<OperationRecord> ListOperations();

    /// <summary>Writes the record durably (temp file, fsync, rename, fsync of the directory).</summary>
    /// <exception cref="IOException">the state dir cannot be written (also <see cref="UnauthorizedAccessException"/>).</exception>
    void SaveOperation(OperationRecord record);

    /// <summary>Removes an operation's record durably; no-op when there is none.</summary>
    /// <exception cref="IOException">the state dir cannot be written (also <see cref="UnauthorizedAccessException"/>).</exception>
    void DeleteOperation(string operationId);

    LeaseRecord? ReadLease();

    void SaveLease(LeaseRecord? lease);
}
