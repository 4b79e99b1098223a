using System.Diagnostics;
using System.Text;
using Xunit;

namespace ZkMitosis.Testing;

/// <summary>
/// The built <c>zkmitosis</c> command as a child process (<c>dotnet zkmitosis.dll ARGS</c>): what an operator sees,
/// including how the process exits and what reaches stderr (a stack trace would show here, not in-process).
/// </summary>
public sealed class RealCli : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private RealCli(Process process)
    {
        _process = process;
    }

    public sealed record Outcome(int ExitCode, string Output, string Error, TimeSpan Elapsed)
    {
        /// <summary>stderr's non-empty lines.</summary>
        public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <summary>
        /// Asserts the operator's error convention: exit <paramref name="exitCode"/>, exactly one line on stderr,
        /// starting "zkmitosis: ", holding each of <paramref name="expected"/>, with no stack frame anywhere.
        /// </summary>
        public string AssertOneLineError(int exitCode, params string[] expected)
        {
            Assert.True(ExitCode == exitCode, $"expected exit {exitCode}; {this}");
            Assert.DoesNotContain("   at ", Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", Output, StringComparison.Ordinal);
            Assert.True(ErrorLines.Count == 1, $"expected one line on stderr; {this}");
            var line = ErrorLines[0];
            Assert.StartsWith("zkmitosis: ", line, StringComparison.Ordinal);
            foreach (var text in expected)
            {
                Assert.True(line.Contains(text, StringComparison.Ordinal), $"expected '{text}' in the error; {this}");
            }

            return line;
        }

        public void AssertExit(int exitCode) => Assert.True(ExitCode == exitCode, $"expected exit {exitCode}; {this}");

        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    public int Pid => _process.Id;

    public static RealCli Start(params string[] arguments) => Start("--default-signal=INT,QUIT", arguments, null);

    /// <summary>The command started with SIGINT ignored, as a background job of a non-interactive shell starts it.</summary>
    public static RealCli StartWithSigIntIgnored(params string[] arguments) => Start("--ignore-signal=INT", arguments, null);

    private static RealCli Start(string signals, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        // Through env(1) --default-signal, which execs dotnet in place (the pid stays the command's): the command
        // starts with SIGINT and SIGQUIT at their defaults, as from an operator's interactive shell, whatever the test
        // run inherited. A test run started as a background job of a non-interactive shell (CI: bash without job
        // control) has SIGINT ignored; a child inherits an ignored signal across exec, and .NET never installs a
        // handler for an ignored SIGINT (pal_signal.c, InstallSignalHandler: "We respect ignored signals"), so
        // `zkmitosis mirror` rightly took no Ctrl-C there (issue 15).
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(signals);
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(CliAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A stack trace must come from the command itself, never from a debug switch the test run inherited.
        start.Environment.Remove("ZKM_DEBUG");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        var cli = new RealCli(process);
        process.OutputDataReceived += (_, e) => Append(cli._output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(cli._error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs the command to its end (at most <paramref name="timeout"/>, default 60 s).</summary>
    public static Task<Outcome> RunAsync(string[] arguments, TimeSpan? timeout = null) => RunAsync(arguments, null, timeout);

    /// <summary>Runs the command to its end with <paramref name="environment"/> added to its environment (native, as krb5 reads <c>KRB5_CONFIG</c>).</summary>
    public static async Task<Outcome> RunAsync(string[] arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout = null)
    {
        var started = Stopwatch.StartNew();
        using var cli = Start("--default-signal=INT,QUIT", arguments, environment);
        return await cli.WaitAsync(timeout ?? TimeSpan.FromSeconds(60), started);
    }

    public async Task<Outcome> WaitAsync(TimeSpan timeout, Stopwatch? started = null)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"zkmitosis did not finish within {timeout}; {OutputAndErrorSoFar}");
        }

        // The parameterless wait also drains the redirected output.
        _process.WaitForExit();
        return new Outcome(_process.ExitCode, Text(_output), Text(_error), started?.Elapsed ?? TimeSpan.Zero);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>What the command wrote to stdout so far (while it runs).</summary>
    public string OutputSoFar => Text(_output);

    /// <summary>What the running command printed so far, stdout then stderr, for a failure message.</summary>
    public string OutputAndErrorSoFar => $"stdout:\n{Text(_output)}\nstderr:\n{Text(_error)}";

    /// <summary>SIGKILL, exactly as a crashed coordinator: no cleanup, no lock released by the process itself.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>The built CLI's path (Release or Debug, as the test run); throws when the solution is not built.</summary>
    /// <exception cref="InvalidOperationException">no repository root above the test binaries, or the CLI is not built.</exception>
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

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.Append(line).Append('\n');
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
