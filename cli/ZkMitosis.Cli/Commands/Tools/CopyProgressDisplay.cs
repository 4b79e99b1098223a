using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using ZkMitosis.Coordinator.Copy;

namespace ZkMitosis.Cli.Commands.Tools;

/// <summary>A live line with znodes read and written and the rate, while a copy or diff runs on a terminal.</summary>
internal static class CopyProgressDisplay
{
    public static async Task<T> RunAsync<T>(IAnsiConsole console, bool show, CopyProgress progress, Func<Task<T>> work)
    {
        if (!show)
        {
            return await work();
        }

        var clock = Stopwatch.StartNew();
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                task.IsIndeterminate = true;
                var running = work();
                while (!running.IsCompleted)
                {
                    var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"{progress.Phase}: {progress.Read:N0} znodes read, {progress.Written:N0} written, {progress.Read / seconds:N0} znodes/s");
                    await Task.WhenAny(running, Task.Delay(200));
                }

                result = await running;
                task.Value = 1;
            });
        return result;
    }
}
