using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab.Tests.KafkaStandIn.Secure;

/// <summary>The built stand-in as a child process, its output kept; killed on dispose.</summary>
internal sealed class StandInProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private StandInProcess(Process process, string statePath)
    {
        _process = process;
        StatePath = statePath;
    }

    public string StatePath { get; }

    public static StandInProcess Start(string statePath, params string[] arguments)
    {
        var command = LabBinaries.Resolve(null, null).StandInCommand();
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1).Concat(arguments).Concat(["--state", statePath, "--write-interval-ms", "50"]))
        {
            start.ArgumentList.Add(argument);
        }

        var standIn = new StandInProcess(Process.Start(start)!, statePath);
        standIn._process.OutputDataReceived += (_, e) => standIn.Append(e.Data);
        standIn._process.ErrorDataReceived += (_, e) => standIn.Append(e.Data);
        standIn._process.BeginOutputReadLine();
        standIn._process.BeginErrorReadLine();
        return standIn;
    }

    /// <summary>stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits (at most 60 s) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The state file's <c>lastError</c>, or null.</summary>
    public string? LastError()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(StatePath));
        return document.RootElement.TryGetProperty("lastError", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
