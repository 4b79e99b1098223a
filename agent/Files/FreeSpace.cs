namespace ZkMitosis.Agent.Files;

/// <summary>Free space of a directory's filesystem, as an unprivileged writer (ZooKeeper's service user) sees it.</summary>
public static class FreeSpace
{
    /// <summary>
    /// Bytes available to a non-root user on the filesystem holding <paramref name="directory"/> (statvfs's
    /// <c>f_bavail</c>: root's reserved blocks are not counted, ZooKeeper does not run as root); -1 when the directory
    /// does not exist or the filesystem cannot be asked.
    /// </summary>
    public static long AvailableBytes(string directory)
    {
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            return -1;
        }

        try
        {
            // On Unix DriveInfo takes any path and asks statvfs about it.
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return -1;
        }
    }
}
