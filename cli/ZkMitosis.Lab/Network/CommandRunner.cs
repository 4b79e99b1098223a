using System.Diagnostics;
using System.Text;

namespace ZkMitosis.Lab.Network;

/// <summary>The outcome of one external command.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs <c>ip</c>, <c>iptables</c> and the service script with an argument list (never a shell string built
/// from user input), bounded in time, and turns failures into <see cref="LabException"/>s naming the command.
/// </summary>
public static class CommandRunner
{
    /// <summary>Bound on one command; <c>ip</c> and <c>iptables</c> answer in milliseconds even on a loaded machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the command and returns its result whatever the exit code.</summary>
    public static async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
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

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.Append(e.Data).Append('\n'); } } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LabException($"cannot run '{fileName}': {e.Message}", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            cancellationToken.ThrowIfCancellationRequested();
            throw new LabException($"'{Describe(fileName, startInfo.ArgumentList)}' did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s");
        }

        // WaitForExitAsync returns after the redirected streams reach end of file, so the text is complete.
        string outText, errText;
        lock (output)
        {
            outText = output.ToString();
        }

        lock (error)
        {
            errText = error.ToString();
        }

        return new CommandResult(process.ExitCode, outText, errText);
    }

    /// <summary>Runs the command and throws a <see cref="LabException"/> with its stderr when it fails.</summary>
    public static async Task<string> RunCheckedAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var list = arguments.ToList();
        var result = await RunAsync(fileName, list, timeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new LabException($"'{Describe(fileName, list)}' failed with exit code {result.ExitCode}: {result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }

    internal static string Describe(string fileName, IEnumerable<string> arguments) => string.Join(' ', new[] { fileName }.Concat(arguments));
}
