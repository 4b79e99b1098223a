using System.CommandLine;
using System.CommandLine.Parsing;
using System.Security.Cryptography;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Lab;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Cli;

/// <summary>
/// The command's one error convention: one line on stderr naming what is wrong, exit 2 for bad input or usage,
/// 1 for a failure, never a stack trace (unless <c>ZKM_DEBUG=1</c> asks for one, on the lines after).
/// </summary>
internal static class CliErrors
{
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>The environment variable that adds the stack trace after the one line.</summary>
    public const string DebugVariable = "ZKM_DEBUG";

    /// <summary>
    /// Exit code and one-line message for <paramref name="e"/>: input the operator can fix (a plan, a file, a
    /// certificate, a damaged journal, a value) is 2; a failure of the world (a server, an agent, a lock held by
    /// another coordinator) is 1; anything else is unexpected, named with its type, 1.
    /// </summary>
    public static (int ExitCode, string Message) Describe(Exception e) => e switch
    {
        InvalidPlanException plan => (Usage, "the plan is refused: " + string.Join("; ", plan.Problems)),
        JournalCorruptException or JournalMismatchException => (Usage, e.Message),
        StateDirectoryLockedException or ZkMitosis.Coordinator.Cleanup.CleanupRefusedException => (Failed, e.Message),
        FileNotFoundException or DirectoryNotFoundException => (Usage, e.Message),
        UnauthorizedAccessException => (Usage, e.Message),
        IOException => (Usage, e.Message),
        CryptographicException => (Usage, e.Message),
        ArgumentException or FormatException => (Usage, e.Message),
        CopyException or KeeperException or ZkMitosis.Coordinator.Security.EnsembleAccessException or ZkMitosis.ZooKeeper.Security.ZooKeeperTlsException or FourLetterWordException or TimeoutException or AgentCallException or LabException => (Failed, e.Message),
        Grpc.Core.RpcException rpc => (Failed, $"agent call failed: {rpc.StatusCode}: {rpc.Status.Detail}"),
        OperationCanceledException => (Interrupted, "interrupted"),
        _ => (Failed, $"unexpected {e.GetType().Name}: {e.Message}"),
    };

    /// <summary>Writes <paramref name="e"/> as one line to <paramref name="error"/>; returns its exit code.</summary>
    public static int Report(Exception e, TextWriter error)
    {
        var (exitCode, message) = Describe(e);
        error.WriteLine("zkmitosis: " + OneLine(message));
        if (Environment.GetEnvironmentVariable(DebugVariable) == "1")
        {
            error.WriteLine(e.ToString());
        }

        return exitCode;
    }

    /// <summary>Parse errors (an unknown option, a missing argument, a value out of range): one line, exit 2.</summary>
    public static int ReportUsage(ParseResult parseResult, TextWriter error)
    {
        var names = new List<string>();
        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult command; result = command.Parent)
        {
            names.Insert(0, command.Parent is null ? "zkmitosis" : command.Command.Name);
        }

        error.WriteLine($"zkmitosis: {OneLine(string.Join("; ", parseResult.Errors.Select(Describe)))} (see '{string.Join(' ', names)} --help')");
        return Usage;
    }

    /// <summary>A parse error, prefixed with its option's name when the message does not say which option it is about.</summary>
    private static string Describe(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult result => result.Option,
            ArgumentResult { Parent: OptionResult result } => result.Option,
            _ => null,
        };
        var message = error.Message.TrimEnd('.');
        return option is null || message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
    }

    /// <summary>A message on one line: line breaks and other control characters become spaces.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', new string(message.Select(c => char.IsControl(c) ? '\n' : c).ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
