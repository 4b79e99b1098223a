using System.Runtime.InteropServices;

namespace ZkMitosis.Agent.Files;

/// <summary>libc calls .NET does not offer: fsync of a directory, monotonic clock.</summary>
internal static partial class NativeMethods
{
    /// <summary>O_RDONLY | O_DIRECTORY on Linux x64/arm64.</summary>
    public const int ReadOnlyDirectory = 0x10000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
