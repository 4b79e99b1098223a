namespace ZkMitosis.Agent.DataDir;

/// <summary>ZooKeeper's TxnHeader: the first fields of every transaction in a txn log.</summary>
public readonly record struct TxnRecordHeader(long ClientId, int Cxid, long Zxid, long Time, int Type);
