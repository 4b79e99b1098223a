using Microsoft.Extensions.Logging;

namespace ZkMitosis.KafkaStandIn;

/// <summary>The Kafka broker stand-in's log messages (event ids 5000–5099). Every message says it is the stand-in.</summary>
internal static partial class StandInLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "STAND-IN ({Kind}, lab and tests only) starting: connect {ConnectString}, session timeout {SessionTimeoutMs} ms, state file {StatePath}")]
    public static partial void Starting(ILogger logger, string kind, string connectString, int sessionTimeoutMs, string statePath);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "stand-in: session 0x{SessionId:x} established on {Server} (timeout {TimeoutMs} ms)")]
    public static partial void SessionEstablished(ILogger logger, long sessionId, string? server, int timeoutMs);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "stand-in: session 0x{SessionId:x} EXPIRED (expiry number {Count}); re-registering as Kafka does")]
    public static partial void SessionExpired(ILogger logger, long sessionId, int count);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "stand-in: connection state {Previous} -> {Current} ({Server})")]
    public static partial void StateChanged(ILogger logger, string previous, string current, string? server);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "stand-in: cannot connect to {ConnectString} yet: {Problem}")]
    public static partial void ConnectFailed(ILogger logger, string connectString, string problem);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "stand-in: {ConnectString} refused this client, stopping as Kafka does: {Problem}")]
    public static partial void ConnectRefused(ILogger logger, string connectString, string problem);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "stand-in: broker {BrokerId} registered at {Path}, broker epoch {Epoch}")]
    public static partial void Registered(ILogger logger, int brokerId, string path, long epoch);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "stand-in: {Kind} registered at {Path} (czxid {Czxid})")]
    public static partial void TenantHostRegistered(ILogger logger, string kind, string path, long czxid);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "stand-in: {Path} is held by another session 0x{Owner:x}; waiting for it to go")]
    public static partial void RegistrationHeld(ILogger logger, string path, long owner);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "stand-in: broker {BrokerId} is the controller, controller epoch {Epoch}")]
    public static partial void BecameController(ILogger logger, int brokerId, int epoch);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Information, Message = "stand-in: broker {BrokerId} is no longer the controller")]
    public static partial void LostController(ILogger logger, int brokerId);

    [LoggerMessage(EventId = 5022, Level = LogLevel.Information, Message = "stand-in: partition {Topic}-{Partition} leader {Leader} isr [{Isr}] leader epoch {LeaderEpoch}")]
    public static partial void PartitionStateChanged(ILogger logger, string topic, int partition, int leader, string isr, int leaderEpoch);

    [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "stand-in: {Operation} failed, retrying: {Problem}")]
    public static partial void Retrying(ILogger logger, string operation, string problem);

    [LoggerMessage(EventId = 5031, Level = LogLevel.Error, Message = "stand-in: unexpected failure in the session; closing it and starting a new one")]
    public static partial void SessionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5040, Level = LogLevel.Information, Message = "stand-in: stopping (clean shutdown closes the session, as Kafka's controlled shutdown does); last acknowledged serial {Serial}")]
    public static partial void Stopping(ILogger logger, long serial);
}
