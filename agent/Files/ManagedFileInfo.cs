namespace ZkMitosis.Agent.Files;

/// <summary>A file the agent manages, as it is on disk now.</summary>
public sealed record ManagedFileInfo(string Kind, string Path, bool Exists, string Sha256, long Size, DateTimeOffset? ModifiedAt)
{
    public static ManagedFileInfo Of(string kind, string path)
    {
        var info = new FileInfo(path);
        return info.Exists
            ? new ManagedFileInfo(kind, path, true, FileHashes.Sha256OrNull(path) ?? "", info.Length, info.LastWriteTimeUtc)
            : new ManagedFileInfo(kind, path, false, "", 0, null);
    }
}
