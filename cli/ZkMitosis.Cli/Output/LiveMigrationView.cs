using Spectre.Console;
using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Cli.Output;

/// <summary>
/// <c>migrate run</c> on a terminal: a live table of every host (<see cref="MigrationHostTable"/>) redrawn as events
/// arrive, instead of the line log. The line log stays for a pipe or a file and for <c>--output json</c>. A prompt
/// (the point of no return typed, a batch approved) cannot share the terminal with a live display that redraws
/// itself over it: the display is stopped for the prompt (<see cref="Pausing"/>) and started again after it.
/// </summary>
internal static class LiveMigrationView
{
    /// <summary>Whether the live table is shown: stdout is a terminal and the output is text.</summary>
    public static bool Wanted(bool json) => !json && !Console.IsOutputRedirected;

    /// <summary>
    /// Runs <paramref name="drive"/> with events that feed <paramref name="table"/> under a live display, and a
    /// <see cref="LivePause"/> for its prompts. What <paramref name="drive"/> prints to stdout or stderr (the report, a
    /// one-line error) is held back while the display runs and printed below the table whenever it stops (a prompt,
    /// the end), so it is not drawn over.
    /// </summary>
    /// <param name="table">The hosts' table.</param>
    /// <param name="drive">The run; it wraps its confirmations with <see cref="Pausing"/>.</param>
    /// <param name="console">Where the display draws (default: Spectre's console on the terminal).</param>
    public static async Task<int> RunAsync(MigrationHostTable table, Func<IMigrationEvents, LivePause, Task<int>> drive, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var pause = new LivePause();
        var events = new TableEvents(table);
        var driving = Task.Run(() => drive(events, pause));
        while (true)
        {
            await HoldingOutputAsync(() => console.Live(table.Render()).AutoClear(false).StartAsync(async context =>
            {
                events.Attach(() => context.UpdateTarget(table.Render()));
                await Task.WhenAny(driving, pause.Requested).ConfigureAwait(false);
                // Detached first: an event that arrives from here on only updates the table, the next display draws it.
                events.Detach();
                context.UpdateTarget(table.Render());
            })).ConfigureAwait(false);
            if (driving.IsCompleted)
            {
                return await driving.ConfigureAwait(false);
            }

            await pause.StoppedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <paramref name="inner"/>, asked with the live display stopped (null stays null: no prompt). The display stops
    /// before the question is drawn and starts again once it is answered.
    /// </summary>
    public static IConfirmation? Pausing(IConfirmation? inner, LivePause pause) => inner is null or FixedConfirmation ? inner : new PausingConfirmation(inner, pause);

    private static async Task HoldingOutputAsync(Func<Task> display)
    {
        var realOut = Console.Out;
        var realError = Console.Error;
        using var heldOut = new StringWriter();
        using var heldError = new StringWriter();
        try
        {
            Console.SetOut(heldOut);
            Console.SetError(heldError);
            await display().ConfigureAwait(false);
        }
        finally
        {
            Console.SetOut(realOut);
            Console.SetError(realError);
            await realOut.WriteAsync(heldOut.ToString()).ConfigureAwait(false);
            await realError.WriteAsync(heldError.ToString()).ConfigureAwait(false);
        }
    }

    /// <summary>Feeds the table and, while a display runs, redraws it.</summary>
    private sealed class TableEvents(MigrationHostTable table) : IMigrationEvents
    {
        private readonly Lock _gate = new();
        private Action? _redraw;

        public void Attach(Action redraw)
        {
            lock (_gate)
            {
                _redraw = redraw;
            }
        }

        public void Detach()
        {
            lock (_gate)
            {
                _redraw = null;
            }
        }

        public void Publish(MigrationEvent migrationEvent)
        {
            lock (_gate)
            {
                table.Apply(migrationEvent);
                _redraw?.Invoke();
            }
        }
    }

    private sealed class PausingConfirmation(IConfirmation inner, LivePause pause) : IConfirmation
    {
        public Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken) =>
            pause.AroundAsync(() => inner.ConfirmAsync(planId, summary, cancellationToken));
    }
}

/// <summary>
/// The handshake between a prompt and the live display: the prompt asks for a pause and waits until the display has
/// stopped (its last frame drawn, held output printed); the display waits until the prompt is answered, then starts
/// again. One prompt at a time.
/// </summary>
internal sealed class LivePause
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private TaskCompletionSource _requested = NewSource();
    private TaskCompletionSource _stopped = NewSource();
    private TaskCompletionSource _answered = NewSource();

    /// <summary>Completes when a prompt asks the display to stop.</summary>
    public Task Requested => Volatile.Read(ref _requested).Task;

    /// <summary>Runs <paramref name="prompt"/> with the display stopped.</summary>
    public async Task<T> AroundAsync<T>(Func<Task<T>> prompt)
    {
        await _oneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            var stopped = _stopped.Task;
            _requested.TrySetResult();
            await stopped.ConfigureAwait(false);
            try
            {
                return await prompt().ConfigureAwait(false);
            }
            finally
            {
                _answered.TrySetResult();
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Called by the display once it has stopped for a prompt; returns once the prompt is answered.</summary>
    public async Task StoppedAsync()
    {
        var answered = _answered.Task;
        // Fresh signals for the next prompt before this one's prompt may go on.
        Volatile.Write(ref _requested, NewSource());
        var stopped = _stopped;
        _stopped = NewSource();
        stopped.TrySetResult();
        await answered.ConfigureAwait(false);
        _answered = NewSource();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
