using System.Runtime.InteropServices;

namespace ZkMitosis.Lab.Servers;

/// <summary>POSIX signals by pid. .NET's Process.Kill only sends SIGKILL; a clean stop needs SIGTERM.</summary>
public static partial class ProcessSignals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>True when a process with this pid exists (signal 0 probes without delivering anything).</summary>
    public static bool IsAlive(int pid) => pid > 0 && NativeKill(pid, 0) == 0;

    /// <summary>Sends <paramref name="signal"/>; false when the process is already gone.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && NativeKill(pid, signal) == 0;

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL; returns once the pid is gone or reaped.</summary>
    public static async Task TerminateAsync(int pid, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (!Send(pid, SigTerm))
        {
            return;
        }

        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && IsAliveAndNotZombie(pid))
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        if (IsAliveAndNotZombie(pid))
        {
            Send(pid, SigKill);
            var killDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (DateTime.UtcNow < killDeadline && IsAliveAndNotZombie(pid))
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A zombie (dead, not yet reaped by its parent) counts as gone.</summary>
    public static bool IsAliveAndNotZombie(int pid)
    {
        if (!IsAlive(pid))
        {
            return false;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.Length || stat[afterName + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe blocks for no gain on an int-only signature.
    private static extern int NativeKill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
