using System.Globalization;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Services;

/// <summary>A systemd unit driven with <c>systemctl</c>; the pid is the unit's MainPID.</summary>
public sealed class SystemdServiceBackend : IServiceBackend
{
    private readonly string _unit;
    private readonly ICommandRunner _runner;
    private readonly TimeSpan _timeout;

    public SystemdServiceBackend(string unit, ICommandRunner runner, TimeSpan timeout)
    {
        _unit = unit;
        _runner = runner;
        _timeout = timeout;
    }

    public string Name => ServiceBackends.Systemd;

    public Task<CommandResult> StartAsync(CancellationToken cancellationToken) => SystemctlCheckedAsync(cancellationToken, "start", "--no-block", _unit);

    public Task<CommandResult> StopAsync(CancellationToken cancellationToken) => SystemctlCheckedAsync(cancellationToken, "stop", "--no-block", _unit);

    public bool CanKill => true;

    public Task<CommandResult> KillAsync(CancellationToken cancellationToken) => SystemctlCheckedAsync(cancellationToken, "kill", "--signal=SIGKILL", _unit);

    public async Task<ServiceStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var active = await _runner.RunAsync("systemctl", ["is-active", _unit], _timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        var word = active.Output.Trim();
        // Stopped means the process is gone: a unit that is still deactivating (SIGTERM sent, TimeoutStopSec running) or
        // activating has a process that may yet write to the data dir.
        var state = word switch
        {
            "active" or "reloading" or "activating" or "deactivating" => ServiceRunState.Running,
            "inactive" or "failed" => ServiceRunState.Stopped,
            _ => active.ExitCode is 3 or 4 ? ServiceRunState.Stopped : ServiceRunState.Unknown,
        };
        var pids = new List<int>();
        if (state == ServiceRunState.Running)
        {
            var show = await _runner.RunAsync("systemctl", ["show", "--property=MainPID", "--value", _unit], _timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (int.TryParse(show.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0)
            {
                pids.Add(pid);
            }
        }

        return new ServiceStatus(state, pids, word);
    }

    private async Task<CommandResult> SystemctlCheckedAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await _runner.RunAsync("systemctl", arguments, _timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : throw CommandFailedException.From(result);
    }
}
