using System.Globalization;
using System.Text.Json.Nodes;

namespace ZkMitosis.Agent.Tests.Support;

/// <summary>
/// A stand-in service for the agent's <c>command</c> backend that counts what it is asked to do: each start and stop
/// appends a line when it begins (<see cref="Starts"/>, <see cref="Stops"/>) and another when it ends, after a delay the
/// test sets, so an agent can be killed while one runs and the test can tell whether it ran twice. Status is "running"
/// while a marker file exists.
/// </summary>
public sealed class CountingServiceScript
{
    public CountingServiceScript(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(ScriptPath, $$"""
            #!/bin/sh
            D='{{directory}}'
            case "$1" in
              start) echo begin >> "$D/starts"; sleep "$(cat "$D/start-delay" 2>/dev/null || echo 0)"; touch "$D/running"; echo end >> "$D/starts-done" ;;
              stop) echo begin >> "$D/stops"; sleep "$(cat "$D/stop-delay" 2>/dev/null || echo 0)"; rm -f "$D/running"; echo end >> "$D/stops-done" ;;
              status) [ -f "$D/running" ] ;;
            esac
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(ScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Directory { get; }

    public string ScriptPath => Path.Combine(Directory, "service.sh");

    /// <summary>Starts begun.</summary>
    public int Starts => Lines("starts");

    /// <summary>Starts that ran to their end.</summary>
    public int StartsDone => Lines("starts-done");

    /// <summary>Stops begun.</summary>
    public int Stops => Lines("stops");

    /// <summary>Stops that ran to their end.</summary>
    public int StopsDone => Lines("stops-done");

    public bool Running => File.Exists(Path.Combine(Directory, "running"));

    /// <summary>The command backend's commands for this script.</summary>
    public JsonObject Commands => new()
    {
        ["Start"] = $"{ScriptPath} start",
        ["Stop"] = $"{ScriptPath} stop",
        ["Status"] = $"{ScriptPath} status",
    };

    /// <summary>How long each start (before it marks the service running) and stop sleep from now on.</summary>
    public void SetDelays(TimeSpan start, TimeSpan stop)
    {
        File.WriteAllText(Path.Combine(Directory, "start-delay"), start.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(Directory, "stop-delay"), stop.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
    }

    /// <summary>Marks the service running without a start (a host where it already runs).</summary>
    public void MarkRunning() => File.WriteAllText(Path.Combine(Directory, "running"), "");

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    /// <exception cref="TimeoutException">it did not hold within <paramref name="timeout"/>.</exception>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    private int Lines(string name)
    {
        var path = Path.Combine(Directory, name);
        return File.Exists(path) ? File.ReadAllLines(path).Length : 0;
    }
}
