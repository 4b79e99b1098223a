using System.CommandLine;
using Spectre.Console;
using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// <c>--approve-each-batch</c> of <c>migrate run</c> and <c>resume</c>: before each batch of a batched Kafka switch
/// the operator answers y/n at the terminal. Asked for in a run without a terminal, it is refused before anything
/// starts: an operator who asked to approve each batch expects no batch to run unapproved, and a run that then
/// stopped at the first batch would hold its leases for nothing.
/// </summary>
internal static class BatchApproval
{
    public static Option<bool> Option() => new("--approve-each-batch") { Description = "with a plan's switch: section, ask at the terminal before each batch of brokers (refused without a terminal)" };

    /// <summary>The approval to hand the run, null without the flag, or a one-line refusal when input is not a terminal.</summary>
    public static (IConfirmation? Approval, string? Refusal) From(ParseResult result, Option<bool> option)
    {
        if (!result.GetValue(option))
        {
            return (null, null);
        }

        return Console.IsInputRedirected
            ? (null, "--approve-each-batch asks at the terminal before each batch, and input is not a terminal: run it at one, or without the flag (the health gates alone then pace the batches)")
            : (new TerminalApproval(), null);
    }

    /// <summary>Asks y/n (default no) before a batch.</summary>
    private sealed class TerminalApproval : IConfirmation
    {
        public Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken) =>
            Task.FromResult(AnsiConsole.Confirm($"[bold]{Markup.Escape(planId)}[/]: {Markup.Escape(summary)}", defaultValue: false));
    }
}
