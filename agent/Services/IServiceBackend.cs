namespace ZkMitosis.Agent.Services;

/// <summary>Starts, stops and inspects one service (ZooKeeper or Kafka) on this host.</summary>
public interface IServiceBackend
{
    /// <summary>"systemd" or "command".</summary>
    string Name { get; }

    /// <summary>Asks the service to start; returns once the request is made (the caller waits for the state).</summary>
    /// <exception cref="Processes.CommandFailedException">the start command failed.</exception>
    Task<Processes.CommandResult> StartAsync(CancellationToken cancellationToken);

    /// <exception cref="Processes.CommandFailedException">the stop command failed.</exception>
    Task<Processes.CommandResult> StopAsync(CancellationToken cancellationToken);

    /// <summary>Whether <see cref="KillAsync"/> can be used (the command backend needs a Kill command).</summary>
    bool CanKill { get; }

    /// <summary>SIGKILLs the service's processes (a stop that no longer waits for their own shutdown).</summary>
    /// <exception cref="Processes.CommandFailedException">the kill command failed.</exception>
    Task<Processes.CommandResult> KillAsync(CancellationToken cancellationToken);

    Task<ServiceStatus> StatusAsync(CancellationToken cancellationToken);
}
