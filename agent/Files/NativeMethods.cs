using System.Runtime.InteropServices;

namespace ZkMitosis.Agent.Files;

/// <summary>libc calls .NET does not offer: fsync of a directory, access(2).</summary>
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

    /// <summary>access(2) mode bits: W_OK | X_OK (create entries in a directory).</summary>
    public const int WriteAndSearch = 2 | 1;

    /// <summary>access(2): 0 when the process may access <paramref name="path"/> in <paramref name="mode"/> (checks a read-only or immutable file system too, even for root).</summary>
    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Access(string path, int mode);
}
