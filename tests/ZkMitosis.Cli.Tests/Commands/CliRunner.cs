using System.CommandLine;
using ZkMitosis.Cli.Commands;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>Runs the command tree in-process, as <c>zkmitosis ARGS</c> would, capturing output and exit code.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    public static async Task<Outcome> RunAsync(params string[] args)
    {
        var root = new RootCommand("zkmitosis (test)")
        {
            ZkCommand.Create(),
            CopyCommand.Create(),
            DiffCommand.Create(),
            SmoketestCommand.Create(),
            StressCommand.Create(),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, timeout.Token);
        return new Outcome(exitCode, output.ToString(), error.ToString());
    }
}
