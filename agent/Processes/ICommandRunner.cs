namespace ZkMitosis.Agent.Processes;

/// <summary>Runs local commands with a bound. Injectable so actions can be tested without touching the host.</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> (no shell), optional stdin, capturing output.</summary>
    /// <exception cref="CommandFailedException">the command could not start or did not end within <paramref name="timeout"/>.</exception>
    Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, string? standardInput = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="command"/> with <c>/bin/sh -c</c>, its output going to a temporary file rather than a pipe, so a
    /// service it starts in the background (and that inherits its output) does not keep this call waiting.
    /// </summary>
    Task<CommandResult> RunShellAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default);
}
