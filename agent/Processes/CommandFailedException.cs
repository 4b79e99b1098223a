namespace ZkMitosis.Agent.Processes;

/// <summary>A command the agent runs (systemctl, iptables, nft, a configured command) failed or timed out.</summary>
public sealed class CommandFailedException : Exception
{
    public CommandFailedException(string command, int exitCode, string stderr, string problem)
        : base($"'{command}' {problem}: {stderr.Trim()}")
    {
        Command = command;
        ExitCode = exitCode;
        Stderr = stderr;
    }

    public string Command { get; }

    /// <summary>-1 when the command timed out or could not start.</summary>
    public int ExitCode { get; }

    public string Stderr { get; }

    public static CommandFailedException From(CommandResult result) =>
        new(result.Command, result.ExitCode, result.Combined(), $"exited with {result.ExitCode}");
}
