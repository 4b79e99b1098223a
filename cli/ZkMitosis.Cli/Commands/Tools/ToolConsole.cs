using System.CommandLine;
using Spectre.Console;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Cli.Commands.Tools;

/// <summary>
/// Output and error conventions shared by the operator tools (zk, copy, diff, smoketest, stress): results on
/// the invocation's output, one-line errors naming the problem and the path on its error writer, exit codes.
/// </summary>
internal static class ToolConsole
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static TextWriter Out(ParseResult parseResult) => parseResult.InvocationConfiguration.Output;

    public static TextWriter Error(ParseResult parseResult) => parseResult.InvocationConfiguration.Error;

    /// <summary>A Spectre console on the invocation's output (so tests can capture tables).</summary>
    public static IAnsiConsole Ansi(ParseResult parseResult)
    {
        var writer = Out(parseResult);
        var interactive = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    /// <summary>Runs <paramref name="body"/>, turning the expected failures into one line on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(ParseResult parseResult, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (ZkMitosis.Coordinator.Copy.CopyException e)
        {
            // A copy or diff that could not go on (a source or target unreachable, a path refused): a failure, one line.
            await Error(parseResult).WriteLineAsync($"zkmitosis: {CliErrors.OneLine(e.Message)}");
            return Failed;
        }
        catch (KeeperException e)
        {
            await Error(parseResult).WriteLineAsync($"zkmitosis: {Describe(e)}");
            return Failed;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException
                                       or FourLetterWordException or TimeoutException or System.Text.Json.JsonException
                                       or UnauthorizedAccessException or ToolException or ZkMitosis.ZooKeeper.Security.ZooKeeperTlsException)
        {
            await Error(parseResult).WriteLineAsync($"zkmitosis: {e.Message}");
            return e is ArgumentException or FormatException ? Usage : Failed;
        }
        catch (OperationCanceledException)
        {
            await Error(parseResult).WriteLineAsync("zkmitosis: cancelled");
            return Failed;
        }
    }

    /// <summary>The client's message already names the code and the path (<c>ZooKeeper error NoNode (-101) for /x</c>); one line.</summary>
    public static string Describe(KeeperException e) => e.Message.ReplaceLineEndings(" ");
}

/// <summary>A failure of a tool the user should read as one line; no stack trace.</summary>
internal sealed class ToolException(string message) : Exception(message);
