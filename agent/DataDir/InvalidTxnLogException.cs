namespace ZkMitosis.Agent.DataDir;

/// <summary>A file named like a txn log is not one (bad magic or too short for the header).</summary>
public sealed class InvalidTxnLogException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
