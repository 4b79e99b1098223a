using System.Globalization;

namespace ZkMitosis.Cli.Commands.Tools;

/// <summary>
/// Signals this process was started with ignored. A non-interactive shell starts background jobs with SIGINT and
/// SIGQUIT ignored (bash without job control; POSIX "Shell Command Language", asynchronous lists), an ignored
/// signal stays ignored across exec, and .NET then never installs its handler for it (dotnet/runtime
/// src/native/libs/System.Native/pal_signal.c, InstallSignalHandler: "We respect ignored signals"): a
/// <see cref="System.Runtime.InteropServices.PosixSignalRegistration"/> for it is created but never called. That is
/// the Unix convention (the parent chose to shield the job from the terminal's Ctrl-C), so the CLI keeps it and says so.
/// </summary>
internal static class InheritedSignals
{
    /// <summary>SIGINT's number on Linux.</summary>
    public const int SigInt = 2;

    /// <summary>
    /// Whether <paramref name="signal"/> is ignored in this process: bit signal−1 of the <c>SigIgn</c> mask in
    /// <c>/proc/self/status</c> (proc(5)). False where that file cannot be read (not Linux).
    /// </summary>
    public static bool IsIgnored(int signal)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                {
                    return ulong.TryParse(line.AsSpan("SigIgn:".Length).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask)
                        && (mask & (1UL << (signal - 1))) != 0;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return false;
    }
}
