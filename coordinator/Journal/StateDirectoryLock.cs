using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ZkMitosis.Coordinator.Journal;

/// <summary>
/// One coordinator per plan state directory: an exclusive <c>flock(2)</c> on <c>coordinator.lock</c> in it, taken
/// before the journal is read and held until <see cref="Dispose"/> or the process's death (the kernel releases a
/// flock with the last descriptor of its open file, so a SIGKILLed coordinator never blocks the next resume).
/// The holder writes <c>host pid since</c> into the file so a refused second coordinator can name it.
/// </summary>
/// <remarks>
/// The file is opened with libc <c>open</c> rather than <see cref="FileStream"/>: .NET takes its own advisory
/// flock when it opens a file (a shared one unless <see cref="FileShare.None"/>, and none at all under
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>), which would both make the holder's file unreadable to the refused
/// process and let the lock be switched off by an environment variable. <c>O_CLOEXEC</c> keeps the descriptor out
/// of child processes, which would otherwise keep the lock alive after the coordinator died. Linux only.
/// </remarks>
public sealed partial class StateDirectoryLock : IDisposable
{
    /// <summary>The lock file's name inside the plan's state directory.</summary>
    public const string FileName = "coordinator.lock";

    // Linux (x86-64 and arm64) values from <fcntl.h> and <sys/file.h>.
    private const int ORdWr = 0x2;
    private const int OCreat = 0x40;
    private const int OCloExec = 0x80000;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int EWouldBlock = 11;
    private const int EInterrupted = 4;

    /// <summary>How long a refused coordinator waits for a new holder to write its line (it does so right after taking the lock).</summary>
    private static readonly TimeSpan HolderWriteWait = TimeSpan.FromSeconds(1);

    private readonly SafeFileHandle _handle;

    private StateDirectoryLock(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock of <paramref name="directory"/> (created if needed) at once, or refuses.
    /// </summary>
    /// <exception cref="StateDirectoryLockedException">another live process holds it; the message names the holder.</exception>
    /// <exception cref="IOException">the lock file cannot be opened or locked (permissions, a read-only file system).</exception>
    public static StateDirectoryLock Acquire(string directory, TimeProvider? time = null)
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName);
        var fd = Open(path, ORdWr | OCreat | OCloExec, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            throw new IOException($"cannot open the state directory lock {path}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            int result;
            int error;
            do
            {
                result = Flock(handle, LockExclusive | LockNonBlocking);
                error = result < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            while (result < 0 && error == EInterrupted);

            if (result < 0)
            {
                if (error == EWouldBlock)
                {
                    throw new StateDirectoryLockedException(path, ReadHolder(handle));
                }

                throw new IOException($"cannot lock the state directory {path}: {new Win32Exception(error).Message}");
            }

            // Ours now: record who holds it. A previous holder's line is replaced, never appended to.
            var holder = string.Create(CultureInfo.InvariantCulture,
                $"host {Environment.MachineName}, pid {Environment.ProcessId}, since {(time ?? TimeProvider.System).GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}\n");
            var bytes = Encoding.UTF8.GetBytes(holder);
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, bytes, 0);
            RandomAccess.FlushToDisk(handle);
            return new StateDirectoryLock(path, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock (closing the descriptor releases the flock).</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>
    /// The holder's line. A holder that took the lock a moment ago writes it right after (truncate, then write):
    /// a whole line ends with a newline, so wait for one, at most <see cref="HolderWriteWait"/>, 10 ms at a time.
    /// </summary>
    private static string ReadHolder(SafeFileHandle handle)
    {
        var buffer = new byte[512];
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var read = RandomAccess.Read(handle, buffer, 0);
            var text = Encoding.UTF8.GetString(buffer, 0, read);
            if (text.EndsWith('\n') && !text.TrimEnd('\n').Any(char.IsControl))
            {
                return text.TrimEnd('\n');
            }

            if (waited.Elapsed >= HolderWriteWait)
            {
                return "a process that has not written its name";
            }

            Thread.Sleep(10);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(SafeFileHandle fd, int operation);
}

/// <summary>Another coordinator holds the plan's state directory: a second one must not touch its journal.</summary>
public sealed class StateDirectoryLockedException(string path, string holder)
    : Exception($"another coordinator is running this migration ({holder}); lock {path}. Wait for it to finish, or stop it first")
{
    /// <summary>The lock file.</summary>
    public string LockPath { get; } = path;

    /// <summary>What the holder wrote: host, pid and since when.</summary>
    public string Holder { get; } = holder;
}
