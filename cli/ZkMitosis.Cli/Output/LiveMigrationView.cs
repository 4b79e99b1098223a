using Spectre.Console;
using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Cli.Output;

/// <summary>
/// <c>migrate run</c> on a terminal: a live table of every host (<see cref="MigrationHostTable"/>) redrawn as events
/// arrive, instead of the line log. The line log stays for a pipe or a file, for <c>--output json</c>, and when the
/// point of no return must be typed (a prompt cannot run inside a live display).
/// </summary>
internal static class LiveMigrationView
{
    /// <summary>Whether the live table is shown: stdout is a terminal, text output, and no prompt will be needed.</summary>
    public static bool Wanted(bool json, bool confirmedInAdvance) => !json && confirmedInAdvance && !Console.IsOutputRedirected;

    /// <summary>
    /// Runs <paramref name="drive"/> with events that feed <paramref name="table"/> under a live display. What
    /// <paramref name="drive"/> prints (the report, a one-line error) is held back and printed below the final table,
    /// so it is not drawn over by the display.
    /// </summary>
    public static async Task<int> RunAsync(MigrationHostTable table, Func<IMigrationEvents, Task<int>> drive)
    {
        var console = AnsiConsole.Console;
        var realOut = Console.Out;
        var realError = Console.Error;
        using var heldOut = new StringWriter();
        using var heldError = new StringWriter();
        var code = 1;
        try
        {
            Console.SetOut(heldOut);
            Console.SetError(heldError);
            await console.Live(table.Render()).AutoClear(false).StartAsync(async context =>
            {
                code = await drive(new TableEvents(table, () => context.UpdateTarget(table.Render())));
                context.UpdateTarget(table.Render());
            });
        }
        finally
        {
            Console.SetOut(realOut);
            Console.SetError(realError);
            await realOut.WriteAsync(heldOut.ToString());
            await realError.WriteAsync(heldError.ToString());
        }

        return code;
    }

    /// <summary>Feeds the table and redraws it.</summary>
    private sealed class TableEvents(MigrationHostTable table, Action redraw) : IMigrationEvents
    {
        public void Publish(MigrationEvent migrationEvent)
        {
            table.Apply(migrationEvent);
            redraw();
        }
    }
}
