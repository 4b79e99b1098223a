namespace ZkMitosis.Agent.Services;

/// <summary>Running or not, as the backend tells.</summary>
public enum ServiceRunState
{
    Unknown,
    Running,
    Stopped,
}

/// <summary>A service's state and, when known, its main pid(s).</summary>
public sealed record ServiceStatus(ServiceRunState State, IReadOnlyList<int> Pids, string Detail);
