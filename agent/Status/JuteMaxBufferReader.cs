using System.Globalization;
using System.Text;
using ZkMitosis.Agent.Services;

namespace ZkMitosis.Agent.Status;

/// <summary>A server's <c>jute.maxbuffer</c>: bytes (0 when unknown) and where it was read, in words for a reason line.</summary>
public sealed record JuteMaxBufferSetting(long Bytes, string Source);

/// <summary>
/// Reads the local ZooKeeper's <c>jute.maxbuffer</c>. While it runs: from its own process, the pid the service backend
/// reports (systemd's MainPID or the configured pid file, never a caller's): <c>/proc/PID/cmdline</c> and the
/// JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS of <c>/proc/PID/environ</c>, which is what the JVM read. While it is stopped:
/// from the configured JVM options file (<see cref="Configuration.ZooKeeperOptions.JvmOptionsFile"/>), what the next
/// start reads. Nothing else of the environment is kept or reported (it may hold secrets).
/// </summary>
public static class JuteMaxBufferReader
{
    /// <summary>The most read of one file: command lines, environments and options files are far smaller.</summary>
    private const int MaxProcBytes = 1 << 20;

    /// <summary>Reads the setting; never throws for a missing or unreadable process or file (the setting is then unknown).</summary>
    public static JuteMaxBufferSetting Read(ServiceStatus? status, string? jvmOptionsFile)
    {
        if (status is { State: ServiceRunState.Running, Pids.Count: > 0 })
        {
            return FromProcess(status.Pids[0]);
        }

        if (status?.State == ServiceRunState.Running)
        {
            return new JuteMaxBufferSetting(0, "unknown: ZooKeeper runs but its service reports no pid");
        }

        return jvmOptionsFile is null
            ? new JuteMaxBufferSetting(0, "unknown: ZooKeeper is stopped and no ZooKeeper.JvmOptionsFile is configured")
            : FromFile(jvmOptionsFile);
    }

    private static JuteMaxBufferSetting FromProcess(int servicePid)
    {
        var pid = JavaProcess(servicePid);
        if (pid is null || ReadArgv(pid.Value, "cmdline") is not { } argv)
        {
            return new JuteMaxBufferSetting(0, $"unknown: the command line of pid {servicePid.ToString(CultureInfo.InvariantCulture)} cannot be read");
        }

        var id = pid.Value.ToString(CultureInfo.InvariantCulture);
        var environment = ReadArgv(pid.Value, "environ") ?? [];
        string? Variable(string name) => environment.LastOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        var sources = new (string Name, IReadOnlyList<string> Options)[]
        {
            ("JAVA_TOOL_OPTIONS", Variable("JAVA_TOOL_OPTIONS") is { } tool ? JuteMaxBuffer.SplitOptions(tool) : []),
            ("JDK_JAVA_OPTIONS", Variable("JDK_JAVA_OPTIONS") is { } jdk ? JuteMaxBuffer.SplitOptions(jdk) : []),
            ("command line", JuteMaxBuffer.JvmOptionsOfCommandLine(argv)),
        };
        // The JVM reads them in this order and the last definition of a property wins.
        var setBy = sources.LastOrDefault(s => JuteMaxBuffer.FromJvmOptions(s.Options) is not null);
        return setBy.Name is null
            ? new JuteMaxBufferSetting(JuteMaxBuffer.Default, $"ZooKeeper's default (not set on pid {id})")
            : new JuteMaxBufferSetting(JuteMaxBuffer.FromJvmOptions(sources.SelectMany(s => s.Options))!.Value, $"{setBy.Name} of pid {id}");
    }

    private static JuteMaxBufferSetting FromFile(string path)
    {
        if (ReadText(path) is not { } text)
        {
            return new JuteMaxBufferSetting(0, $"unknown: ZooKeeper is stopped and {path} cannot be read");
        }

        return JuteMaxBuffer.FromJvmOptions(JuteMaxBuffer.OptionsInFile(text)) is { } value
            ? new JuteMaxBufferSetting(value, $"{path} (ZooKeeper stopped)")
            : new JuteMaxBufferSetting(JuteMaxBuffer.Default, $"ZooKeeper's default (ZooKeeper stopped, not set in {path})");
    }

    /// <summary>
    /// The JVM: the service's pid itself, or when that is a wrapper (zkServer.sh start-foreground without exec, a
    /// shell) its one java child.
    /// </summary>
    private static int? JavaProcess(int pid)
    {
        if (ReadArgv(pid, "cmdline") is not { Count: > 0 } argv)
        {
            return null;
        }

        if (IsJava(argv))
        {
            return pid;
        }

        var children = ReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task/{pid.ToString(CultureInfo.InvariantCulture)}/children") ?? "";
        var java = children.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var child) ? child : 0)
            .Where(c => c > 0 && ReadArgv(c, "cmdline") is { Count: > 0 } a && IsJava(a))
            .ToList();
        return java.Count == 1 ? java[0] : pid;
    }

    private static bool IsJava(IReadOnlyList<string> argv) => Path.GetFileName(argv[0]) == "java";

    private static IReadOnlyList<string>? ReadArgv(int pid, string file) =>
        ReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/{file}")?.Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static string? ReadText(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[MaxProcBytes];
            return Encoding.UTF8.GetString(buffer, 0, stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
