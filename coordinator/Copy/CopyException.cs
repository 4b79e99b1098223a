using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>A copy or diff could not go on; the message names the cluster side and the path.</summary>
public class CopyException : Exception
{
    public CopyException(string message, string? path = null, KeeperErrorCode? code = null, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
        Code = code;
    }

    /// <summary>The znode the failure is about, when there is one.</summary>
    public string? Path { get; }

    /// <summary>ZooKeeper's error code, when the failure came from a server.</summary>
    public KeeperErrorCode? Code { get; }

    internal static CopyException FromKeeper(string side, string action, string path, KeeperException e) =>
        new($"{side}: {action} {path} failed: {e.Code}{(e.Code == KeeperErrorCode.NoAuth ? " (no permission: add credentials with --source-auth/--target-auth)" : string.Empty)}", path, e.Code, e);
}

/// <summary>A copy stopped after writing part of the tree. Every batch is atomic; a rerun converges.</summary>
public sealed class CopyFailedException(string message, CopySummary summary, string? path, KeeperErrorCode? code, Exception? inner = null)
    : CopyException(message, path, code, inner)
{
    /// <summary>What had been done when the copy stopped.</summary>
    public CopySummary Summary { get; } = summary;
}
