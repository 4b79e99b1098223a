using System.Runtime.InteropServices;

namespace ZkMitosis.Agent.State;

/// <summary>libc's access(2): asks the kernel whether a write would be allowed, without writing.</summary>
internal static partial class StateNativeMethods
{
    /// <summary>W_OK.</summary>
    public const int WriteAccess = 2;

    /// <summary>
    /// access(2). For root it still fails with EROFS on a read-only mount and ENOTDIR/ENOENT when the path is not a
    /// directory, which are the cases a running agent meets.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Access(string path, int mode);
}
