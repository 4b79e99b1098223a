using System.Diagnostics;
using Spectre.Console;
using ZkMitosis.Cli.Output;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// The live table when the run will ask (no <c>--yes</c>): shown on a terminal, stopped while a prompt is on the
/// terminal (nothing is drawn over the question, not even for an event that arrives meanwhile), started again after.
/// </summary>
public sealed class LiveViewPromptTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
    private readonly TestDirectory _directory = new("cli-live-prompt");

    [Fact]
    public async Task RunAsync_PromptMidRun_NothingDrawnWhileAskingThenTheTableResumesWithWhatHappened()
    {
        var written = new StringWriter();
        var output = TextWriter.Synchronized(written);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 200;
        var table = new MigrationHostTable(PlanLoader.Load(CliPlans.Valid));
        IMigrationEvents? running = null;
        string? drawnWhileAsking = null;
        var promptAt = -1;
        var prompt = new CallbackConfirmation(async () =>
        {
            var before = written.ToString().Length;
            // An event that arrives while the operator reads the question (a node's state polled meanwhile).
            running!.Publish(new MigrationEvent(At, MigrationEventKind.NodeState, "point-of-no-return", "observer", "127.0.0.1:21812", "observer", 0x100000009, 4));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            drawnWhileAsking = written.ToString()[before..];
            promptAt = before;
            output.Write("TYPE THE PLAN ID\n");
            return true;
        });

        var code = await LiveMigrationView.RunAsync(
            table,
            async (events, pause) =>
            {
                running = events;
                events.Publish(new MigrationEvent(At, MigrationEventKind.StepStarted, "join", "Join"));
                var confirmed = await LiveMigrationView.Pausing(prompt, pause)!.ConfirmAsync("plan", "summary", CancellationToken.None);
                events.Publish(new MigrationEvent(At, MigrationEventKind.StepStarted, "cut", "Cut"));
                return confirmed ? 0 : 1;
            },
            console);

        Assert.Equal(0, code);
        Assert.Equal("", drawnWhileAsking);
        var text = written.ToString();
        var before = Plain(text[..promptAt]);
        var after = Plain(text[promptAt..]);
        Assert.Contains("step join", before, StringComparison.Ordinal);
        Assert.DoesNotContain("0x100000009", before, StringComparison.Ordinal);
        Assert.StartsWith("TYPE THE PLAN ID\n", after, StringComparison.Ordinal);
        Assert.Contains("0x100000009", after, StringComparison.Ordinal);
        Assert.Contains("step cut", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TwoPromptsInARow_EachAskedWithTheDisplayStopped()
    {
        var written = new StringWriter();
        var output = TextWriter.Synchronized(written);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 200;
        var table = new MigrationHostTable(PlanLoader.Load(CliPlans.Valid));
        IMigrationEvents? running = null;
        var drawnWhileAsking = new List<string>();
        var prompt = new CallbackConfirmation(async () =>
        {
            var before = written.ToString().Length;
            running!.Publish(new MigrationEvent(At, MigrationEventKind.NodeState, "switch", "observer", "127.0.0.1:21812", "observer", 0x100000010 + drawnWhileAsking.Count, 4));
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            drawnWhileAsking.Add(written.ToString()[before..]);
            return true;
        });

        var code = await LiveMigrationView.RunAsync(
            table,
            async (events, pause) =>
            {
                running = events;
                var approval = LiveMigrationView.Pausing(prompt, pause)!;
                for (var batch = 0; batch < 3; batch++)
                {
                    events.Publish(new MigrationEvent(At, MigrationEventKind.StepStarted, $"switch-batch-{batch}", "Batch"));
                    await approval.ConfirmAsync("plan", "batch", CancellationToken.None);
                }

                return 0;
            },
            console);

        Assert.Equal(0, code);
        Assert.Equal(["", "", ""], drawnWhileAsking);
        Assert.Contains("step switch-batch-2", Plain(written.ToString()), StringComparison.Ordinal);
    }

    /// <summary>
    /// The real command in a pseudo-terminal (util-linux <c>script</c>) without <c>--yes</c>: the table is drawn, not
    /// the line log. Nothing answers at the plan's agents, so the preflight stops the run (exit 3) before any prompt.
    /// </summary>
    [Fact]
    public async Task MigrateRun_TerminalWithoutYes_ShowsTheTable()
    {
        var plan = Path.Combine(_directory.Path, "plan.yaml");
        await File.WriteAllTextAsync(plan, CliPlans.Valid);
        var command = string.Join(' ', new[] { "dotnet", RealCli.CliAssembly, "migrate", "run", plan, "--state-dir", Path.Combine(_directory.Path, "state") }.Select(a => "'" + a + "'"));
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-q", "-e", "-c", command, "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TERM"] = "xterm";
        start.Environment["COLUMNS"] = "160";
        start.Environment.Remove("ZKM_DEBUG");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var terminal = await stdout;
        Assert.True(process.ExitCode == 3, $"exit {process.ExitCode}\n{terminal}\n{await stderr}");
        Assert.Contains("last gap", terminal, StringComparison.Ordinal);
        Assert.DoesNotContain("▶ preflight", terminal, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>The text without ANSI control sequences (cursor moves, bold): what the eye reads on the terminal, in order.</summary>
    private static string Plain(string ansi) => System.Text.RegularExpressions.Regex.Replace(ansi, @"\x1b\[[0-9;?]*[A-Za-z]", "");

    private sealed class CallbackConfirmation(Func<Task<bool>> ask) : IConfirmation
    {
        public Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken) => ask();
    }
}
