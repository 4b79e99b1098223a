namespace ZkMitosis.Agent.State;

/// <summary>The agent's persisted state: operation records and the lease. Behind an interface so tests can swap it.</summary>
public interface IAgentStateStore
{
    OperationRecord? FindOperation(string operationId);

    void SaveOperation(OperationRecord record);

    LeaseRecord? ReadLease();

    void SaveLease(LeaseRecord? lease);
}
