namespace ZkMitosis.ZooKeeper;

/// <summary>
/// A ZooKeeper operation failed with one of ZooKeeper's error codes (<see cref="Code"/>), for the znode
/// <see cref="Path"/> when there is one (client-side path, without the chroot).
/// </summary>
public class KeeperException : Exception
{
    public KeeperException(KeeperErrorCode code, string? path = null, string? detail = null, Exception? innerException = null)
        : base(Describe(code, path, detail), innerException)
    {
        Code = code;
        Path = path;
    }

    public KeeperErrorCode Code { get; }

    /// <summary>The znode the failed operation was about, as the caller named it; null when none.</summary>
    public string? Path { get; }

    /// <summary>
    /// True when retrying the same call may succeed without any other action: ConnectionLoss, OperationTimeout,
    /// Throttled and RequestTimeout. SessionExpired, NoNode and the rest are final.
    /// </summary>
    public bool IsTransient => IsTransientCode(Code);

    public static bool IsTransientCode(KeeperErrorCode code) => code is KeeperErrorCode.ConnectionLoss
        or KeeperErrorCode.OperationTimeout or KeeperErrorCode.Throttled or KeeperErrorCode.RequestTimeout;

    private static string Describe(KeeperErrorCode code, string? path, string? detail)
    {
        var text = path is null ? $"ZooKeeper error {code} ({(int)code})" : $"ZooKeeper error {code} ({(int)code}) for {path}";
        return detail is null ? text : $"{text}: {detail}";
    }
}
