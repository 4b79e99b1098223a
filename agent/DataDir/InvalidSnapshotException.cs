namespace ZkMitosis.Agent.DataDir;

/// <summary>A file named like a snapshot is not a complete, intact one (bad magic, truncated, checksum mismatch, compressed).</summary>
public sealed class InvalidSnapshotException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
