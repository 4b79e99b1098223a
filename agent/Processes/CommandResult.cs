namespace ZkMitosis.Agent.Processes;

/// <summary>How a command ended: its exit code and what it printed (stdout and stderr).</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Output and error, cut to <paramref name="limit"/> characters for reports.</summary>
    public string Combined(int limit = 4096)
    {
        var text = (Output + Error).Trim();
        return text.Length <= limit ? text : text[..limit] + "…";
    }
}
