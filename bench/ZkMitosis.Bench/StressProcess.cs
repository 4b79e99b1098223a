using System.Diagnostics;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Lab.Servers;

namespace ZkMitosis.Bench;

/// <summary>
/// <c>zkmitosis stress run</c> in its own process: a tenant's application, which in production never shares a
/// process (its thread pool, its CPU bursts) with the coordinator. Stopped with SIGTERM, which the command
/// treats as Ctrl-C: it stops the sessions and saves its result.
/// </summary>
internal sealed class StressProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _resultFile;

    private StressProcess(Process process, string resultFile)
    {
        _process = process;
        _resultFile = resultFile;
    }

    public static async Task<StressProcess> StartAsync(string connect, string basePath, int sessions, string resultFile)
    {
        var start = CliLocator.StartInfo(["stress", "run", "--connect", connect, "--base-path", basePath, "--sessions", sessions.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", resultFile, "--json"]);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start zkmitosis stress run");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("sessions writing under", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var stress = new StressProcess(process, resultFile);
        if (await Task.WhenAny(started.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false) != started.Task)
        {
            await stress.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"zkmitosis stress run against {connect} did not start writing within 60 s");
        }

        return stress;
    }

    public async Task<StressResult> StopAsync()
    {
        ProcessSignals.Send(_process.Id, ProcessSignals.SigTerm);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        return StressJson.DeserializeResult(await File.ReadAllTextAsync(_resultFile).ConfigureAwait(false));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
