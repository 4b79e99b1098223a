using System.Diagnostics;
using ZkMitosis.Agent.Probes;
using ZkMitosis.Agent.Status;
using ZkMitosis.ZooKeeper.Timing;

namespace ZkMitosis.Agent.Services;

/// <summary>
/// start | stop | restart | status of a managed service, waiting (bounded) until the state is reached and, for ZooKeeper,
/// until it is ready in the sense the caller asks for.
/// </summary>
public sealed class ServiceController
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan KillPollInterval = TimeSpan.FromMilliseconds(25);

    private readonly ServiceBackendFactory _backends;
    private readonly ILocalZooKeeper _zooKeeper;
    private readonly TimeProvider _time;

    public ServiceController(ServiceBackendFactory backends, ILocalZooKeeper zooKeeper, TimeProvider time)
    {
        _backends = backends;
        _zooKeeper = zooKeeper;
        _time = time;
    }

    /// <summary>
    /// The backend that would run <paramref name="service"/>, able to kill it when <paramref name="killAfter"/> is given;
    /// resolving it is the check a barrier's Arm does, and the first thing <see cref="ControlAsync"/> does.
    /// </summary>
    /// <exception cref="Files.InvalidRequestException">no backend for the service, or <paramref name="killAfter"/> given and the backend cannot kill.</exception>
    public IServiceBackend Backend(ManagedService service, TimeSpan? killAfter)
    {
        var backend = _backends.For(service);
        if (killAfter is not null && !backend.CanKill)
        {
            throw new Files.InvalidRequestException("kill_after", $"the {backend.Name} backend has no Kill command configured for {service} (Service.{service}Commands.Kill)");
        }

        return backend;
    }

    public async Task<ServiceStatus> StatusAsync(ManagedService service, CancellationToken cancellationToken) =>
        await _backends.For(service).StatusAsync(cancellationToken).ConfigureAwait(false);

    /// <remarks><paramref name="killAfter"/>, for stop and restart: SIGKILL the service if it still runs this long after its stop was asked; null: its own stop.</remarks>
    /// <exception cref="TimeoutException">the state (or readiness) was not reached within <paramref name="timeout"/>.</exception>
    /// <exception cref="Processes.CommandFailedException">a start/stop command failed.</exception>
    /// <exception cref="Files.InvalidRequestException"><paramref name="killAfter"/> is given but the backend cannot kill (checked before anything is done).</exception>
    public async Task<ServiceControlResult> ControlAsync(
        ManagedService service, ServiceControlAction action, TimeSpan timeout, ServiceReadiness readiness, TimeSpan? killAfter, CancellationToken cancellationToken)
    {
        var backend = Backend(service, killAfter);
        var startedAt = _time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        var deadline = stopwatch.Elapsed + timeout;
        var output = "";
        ServiceReadiness? met = null;
        ServiceStatus status;
        switch (action)
        {
            case ServiceControlAction.Status:
                status = await backend.StatusAsync(cancellationToken).ConfigureAwait(false);
                break;
            case ServiceControlAction.Stop:
                output = await StopAsync(backend, killAfter, cancellationToken).ConfigureAwait(false);
                status = await WaitForAsync(backend, ServiceRunState.Stopped, stopwatch, deadline, service, cancellationToken).ConfigureAwait(false);
                break;
            case ServiceControlAction.Start or ServiceControlAction.Restart:
                if (action == ServiceControlAction.Restart)
                {
                    output = await StopAsync(backend, killAfter, cancellationToken).ConfigureAwait(false);
                    await WaitForAsync(backend, ServiceRunState.Stopped, stopwatch, deadline, service, cancellationToken).ConfigureAwait(false);
                }

                var current = await backend.StatusAsync(cancellationToken).ConfigureAwait(false);
                if (current.State != ServiceRunState.Running)
                {
                    output += (await backend.StartAsync(cancellationToken).ConfigureAwait(false)).Combined();
                }

                status = await WaitForAsync(backend, ServiceRunState.Running, stopwatch, deadline, service, cancellationToken).ConfigureAwait(false);
                met = await WaitReadyAsync(service, readiness, stopwatch, deadline, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "not a service action");
        }

        return new ServiceControlResult(status.State, status.Pids, startedAt, _time.GetUtcNow(), stopwatch.Elapsed, output, met);
    }

    private async Task<string> StopAsync(IServiceBackend backend, TimeSpan? killAfter, CancellationToken cancellationToken)
    {
        var current = await backend.StatusAsync(cancellationToken).ConfigureAwait(false);
        if (current.State == ServiceRunState.Stopped)
        {
            return "";
        }

        if (killAfter is not { } grace)
        {
            return (await backend.StopAsync(cancellationToken).ConfigureAwait(false)).Combined();
        }

        // The stop (SIGTERM) goes first, so whatever the service does on it still runs for the grace; then SIGKILL.
        // The command backend's stop blocks until the process is gone, systemd's returns at once: stopped means the
        // stop command has returned and the status says so, checked until the grace ends.
        var asked = _time.GetTimestamp();
        var stop = backend.StopAsync(cancellationToken);
        while (!stop.IsCompleted || (await backend.StatusAsync(cancellationToken).ConfigureAwait(false)).State != ServiceRunState.Stopped)
        {
            var left = grace - _time.GetElapsedTime(asked);
            if (left <= TimeSpan.Zero)
            {
                var killed = await backend.KillAsync(cancellationToken).ConfigureAwait(false);
                return (await stop.ConfigureAwait(false)).Combined() + killed.Combined();
            }

            // Once the stop command has returned (systemd's at once), only the pause: no busy loop of status calls, also
            // not in the grace's last fraction of a millisecond (a timer would round it down to no wait at all).
            var pause = Task.Delay(WaitTime.Pause(left, KillPollInterval), _time, cancellationToken);
            await (stop.IsCompleted ? pause : Task.WhenAny(stop, pause)).ConfigureAwait(false);
        }

        return (await stop.ConfigureAwait(false)).Combined();
    }

    private static async Task<ServiceStatus> WaitForAsync(IServiceBackend backend, ServiceRunState wanted, Stopwatch stopwatch, TimeSpan deadline, ManagedService service, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await backend.StatusAsync(cancellationToken).ConfigureAwait(false);
            if (status.State == wanted)
            {
                return status;
            }

            if (stopwatch.Elapsed >= deadline)
            {
                throw new TimeoutException($"{service} did not reach state {wanted} within {deadline.TotalSeconds:0.#} s (last status: {status.State} {status.Detail})");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ServiceReadiness?> WaitReadyAsync(ManagedService service, ServiceReadiness readiness, Stopwatch stopwatch, TimeSpan deadline, CancellationToken cancellationToken)
    {
        if (service != ManagedService.ZooKeeper || readiness == ServiceReadiness.Process)
        {
            return ServiceReadiness.Process;
        }

        var last = "";
        while (true)
        {
            if (readiness == ServiceReadiness.ElectionPort)
            {
                var (host, port) = _zooKeeper.ElectionEndpoint();
                var probe = await TcpProber.ProbeAsync(host, port, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                if (probe.Outcome == ProbeOutcomeKind.Open)
                {
                    return readiness;
                }

                last = $"election port {host}:{port} {probe.Outcome}";
            }
            else
            {
                var status = await _zooKeeper.ReadStatusAsync(includeConnections: false, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                if (status.IsServing)
                {
                    return readiness;
                }

                last = $"mode {status.Mode}{(status.Error.Length > 0 ? ": " + status.Error : "")}";
            }

            if (stopwatch.Elapsed >= deadline)
            {
                throw new TimeoutException($"ZooKeeper did not become ready ({readiness}) within {deadline.TotalSeconds:0.#} s ({last})");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
