namespace ZkMitosis.Coordinator.Engine;

/// <summary>Kinds of progress events.</summary>
public enum MigrationEventKind
{
    StepStarted,
    StepCompleted,
    StepSkipped,
    StepFailed,
    Info,
    Warning,
    NodeState,

    /// <summary>A cluster (<see cref="MigrationEvent.Host"/>: "source" or "destination") served no request for a while; the message says how long.</summary>
    Gap,
}

/// <summary>One progress event for the live view and <c>--output json</c>.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Step">The step it belongs to, if any.</param>
/// <param name="Message">What to show.</param>
/// <param name="Host">The server (<c>host:clientPort</c>), broker host or cluster it is about, if any.</param>
/// <param name="Mode">NodeState: the ZooKeeper mode, null when down.</param>
/// <param name="Zxid">NodeState: the zxid seen.</param>
/// <param name="Sessions">NodeState: the server's client connections (srvr's Connections), when known.</param>
/// <param name="GapMilliseconds">Gap: how long the cluster served nothing.</param>
public sealed record MigrationEvent(DateTimeOffset At, MigrationEventKind Kind, string? Step, string Message, string? Host = null, string? Mode = null, long? Zxid = null, int? Sessions = null, double? GapMilliseconds = null);

/// <summary>Receives progress events; implementations must not throw and must be quick.</summary>
public interface IMigrationEvents
{
    void Publish(MigrationEvent migrationEvent);
}

/// <summary>Discards events.</summary>
public sealed class NoMigrationEvents : IMigrationEvents
{
    public static readonly NoMigrationEvents Instance = new();

    public void Publish(MigrationEvent migrationEvent)
    {
    }
}

/// <summary>Asks the operator to confirm the point of no return; <c>--yes</c> answers for them.</summary>
public interface IConfirmation
{
    /// <summary>True to go on. <paramref name="summary"/> says what is about to happen and what was checked.</summary>
    Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken);
}

/// <summary>Confirms without asking (<c>--yes</c>) or always refuses (non-interactive without <c>--yes</c>).</summary>
public sealed class FixedConfirmation(bool answer) : IConfirmation
{
    public Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken) => Task.FromResult(answer);
}
