namespace ZkMitosis.Agent.Diagnostics;

/// <summary>The agent's log messages. Event ids: 1xxx host, 2xxx gRPC calls.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(1001, LogLevel.Warning, "INSECURE MODE: gRPC is served without TLS and without client certificates (Insecure=true in {ConfigPath}). Anyone who reaches {Address}:{Port} can drive this host. Use this only in labs and tests.")]
    public static partial void InsecureMode(ILogger logger, string configPath, string address, int port);

    [LoggerMessage(1002, LogLevel.Information, "zkmitosis-agent {Version} ({Role}, host {HostName}) serving gRPC on {Address}:{Port} ({Transport}); monitoring on {MonitoringAddress}:{MonitoringPort}")]
    public static partial void Started(ILogger logger, string version, string role, string hostName, string address, int port, string transport, string monitoringAddress, int monitoringPort);

    [LoggerMessage(1003, LogLevel.Warning, "Refused a client certificate ({Subject}, issuer {Issuer}): {Reason}")]
    public static partial void ClientCertificateRefused(ILogger logger, string subject, string issuer, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "{Count} operation(s) accepted by the previous agent process did not finish; they are recorded as interrupted")]
    public static partial void OperationsInterrupted(ILogger logger, int count);

    [LoggerMessage(1006, LogLevel.Information, "Removed {Count} operation record(s) finished more than {RetentionDays} days ago (plans other than the lease's)")]
    public static partial void OperationsPruned(ILogger logger, int count, int retentionDays);

    [LoggerMessage(1005, LogLevel.Error, "Could not write the record of operation {OperationId}: {Problem}")]
    public static partial void StateWriteFailed(ILogger logger, string operationId, string problem);

    [LoggerMessage(2001, LogLevel.Information, "{Method} -> {Code} in {ElapsedMs:0.0} ms")]
    public static partial void Mutation(ILogger logger, string method, string code, double elapsedMs);

    [LoggerMessage(2002, LogLevel.Warning, "{Method} refused with {Code}: {Problem}")]
    public static partial void CallFailed(ILogger logger, string method, string code, string problem);

    [LoggerMessage(2003, LogLevel.Error, "{Method} failed unexpectedly")]
    public static partial void CallCrashed(ILogger logger, string method, Exception exception);
}
