namespace ZkMitosis.Agent.Services;

/// <summary>Which managed service.</summary>
public enum ManagedService
{
    ZooKeeper,
    Kafka,
}

/// <summary>What ControlService does.</summary>
public enum ServiceControlAction
{
    Start,
    Stop,
    Restart,
    Status,
}

/// <summary>What "started" must mean before ControlService returns.</summary>
public enum ServiceReadiness
{
    /// <summary>The backend reports it running.</summary>
    Process,

    /// <summary>This server's election port (its <c>server.N</c> line) accepts connections.</summary>
    ElectionPort,

    /// <summary><c>srvr</c> reports a serving mode.</summary>
    Serving,
}

/// <summary>The result of ControlService.</summary>
public sealed record ServiceControlResult(
    ServiceRunState State,
    IReadOnlyList<int> Pids,
    DateTimeOffset ActionStartedAt,
    DateTimeOffset StateReachedAt,
    TimeSpan Elapsed,
    string Output,
    ServiceReadiness? ReadinessMet);
