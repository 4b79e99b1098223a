using System.Diagnostics;
using System.Text;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>The real <c>zkmitosis</c> command as a child process, so a test can kill -9 it.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

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

    public static string CliAssembly
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
                {
                    var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
                    var path = Path.Combine(directory.FullName, "cli", "ZkMitosis.Cli", "bin", configuration, "net10.0", "zkmitosis.dll");
                    return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first (dotnet build ZkMitosis.sln -c {configuration})");
                }
            }

            throw new InvalidOperationException("cannot find the repository root (ZkMitosis.sln) above " + AppContext.BaseDirectory);
        }
    }

    public static CliProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>SIGKILL: no cleanup, no final journal record, exactly as a crashed coordinator.</summary>
    public async Task KillNineAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            await KillNineAsync();
            throw new TimeoutException($"zkmitosis did not finish within {timeout}; output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
