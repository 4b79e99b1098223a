using System.Globalization;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Services;

/// <summary>
/// Services driven by configured shell commands (the lab, tests, hosts without systemd). Status exit code 0 means
/// running. Start returns as soon as the start command does, even though what it started keeps running.
/// </summary>
public sealed class CommandServiceBackend : IServiceBackend
{
    private readonly ServiceCommands _commands;
    private readonly ICommandRunner _runner;
    private readonly TimeSpan _timeout;

    public CommandServiceBackend(ServiceCommands commands, ICommandRunner runner, TimeSpan timeout)
    {
        _commands = commands;
        _runner = runner;
        _timeout = timeout;
    }

    public string Name => ServiceBackends.Command;

    public Task<CommandResult> StartAsync(CancellationToken cancellationToken) => RunCheckedAsync(_commands.Start!, cancellationToken);

    public Task<CommandResult> StopAsync(CancellationToken cancellationToken) => RunCheckedAsync(_commands.Stop!, cancellationToken);

    public bool CanKill => !string.IsNullOrEmpty(_commands.Kill);

    public Task<CommandResult> KillAsync(CancellationToken cancellationToken) =>
        CanKill ? RunCheckedAsync(_commands.Kill!, cancellationToken) : throw new InvalidOperationException("no Kill command is configured");

    public async Task<ServiceStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var result = await _runner.RunShellAsync(_commands.Status!, _timeout, cancellationToken).ConfigureAwait(false);
        var state = result.ExitCode == 0 ? ServiceRunState.Running : ServiceRunState.Stopped;
        return new ServiceStatus(state, state == ServiceRunState.Running ? ReadPid() : [], result.Combined(512));
    }

    private async Task<CommandResult> RunCheckedAsync(string command, CancellationToken cancellationToken)
    {
        var result = await _runner.RunShellAsync(command, _timeout, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : throw CommandFailedException.From(result);
    }

    private int[] ReadPid()
    {
        if (string.IsNullOrEmpty(_commands.PidFile))
        {
            return [];
        }

        try
        {
            return int.TryParse(File.ReadAllText(_commands.PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? [pid] : [];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
