using System.Diagnostics;

namespace ZkMitosis.Agent.Processes;

/// <inheritdoc />
public sealed class CommandRunner : ICommandRunner
{
    public async Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, string? standardInput = null, CancellationToken cancellationToken = default)
    {
        var display = string.Join(' ', [fileName, .. arguments]);
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Start(startInfo, display);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        await WaitAsync(process, display, timeout, cancellationToken).ConfigureAwait(false);
        return new CommandResult(display, process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false), stopwatch.Elapsed);
    }

    public async Task<CommandResult> RunShellAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var outputFile = Path.Combine(Path.GetTempPath(), $"zkmitosis-agent-{Guid.NewGuid():N}.out");
        // exec redirects the shell's own descriptors before the command runs: nothing it starts holds a pipe to us.
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "exec >\"$ZKMITOSIS_OUTPUT\" 2>&1 </dev/null\n" + command },
            UseShellExecute = false,
            Environment = { ["ZKMITOSIS_OUTPUT"] = outputFile },
        };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var process = Start(startInfo, command);
            await WaitAsync(process, command, timeout, cancellationToken).ConfigureAwait(false);
            var output = File.Exists(outputFile) ? await File.ReadAllTextAsync(outputFile, cancellationToken).ConfigureAwait(false) : "";
            return new CommandResult(command, process.ExitCode, output, "", stopwatch.Elapsed);
        }
        finally
        {
            File.Delete(outputFile);
        }
    }

    private static Process Start(ProcessStartInfo startInfo, string display)
    {
        try
        {
            return Process.Start(startInfo) ?? throw new CommandFailedException(display, -1, "", "could not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CommandFailedException(display, -1, e.Message, "could not start");
        }
    }

    private static async Task WaitAsync(Process process, string display, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                // Only the process we started and its children: a hung command must not linger.
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended in the meantime.
            }

            cancellationToken.ThrowIfCancellationRequested();
            throw new CommandFailedException(display, -1, "", $"did not finish within {timeout.TotalSeconds:0.#} s");
        }
    }
}
