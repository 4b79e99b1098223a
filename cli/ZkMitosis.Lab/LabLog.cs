using Microsoft.Extensions.Logging;

namespace ZkMitosis.Lab;

/// <summary>The lab's log messages (event ids 4000–4099).</summary>
internal static partial class LabLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "lab {Name}: building {Hosts} hosts on {Subnet} in {Directory}")]
    public static partial void Building(ILogger logger, string name, int hosts, string subnet, string directory);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "lab {Name}: network ready (bridge {Bridge}, {Namespaces} namespaces) in {ElapsedMs} ms")]
    public static partial void NetworkReady(ILogger logger, string name, string bridge, int namespaces, long elapsedMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "lab {Name}: source ensemble serving ({Modes}) in {ElapsedMs} ms")]
    public static partial void SourceServing(ILogger logger, string name, string modes, long elapsedMs);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "lab {Name}: {Step} done in {ElapsedMs} ms")]
    public static partial void StepDone(ILogger logger, string name, string step, long elapsedMs);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "lab {Name}: up in {ElapsedMs} ms; manifest {Manifest}")]
    public static partial void Up(ILogger logger, string name, long elapsedMs, string manifest);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "lab {Name}: up failed, removing what was built")]
    public static partial void UpFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "lab {Prefix}: down ({Namespaces} namespaces, {Links} links, {Processes} processes) in {ElapsedMs} ms")]
    public static partial void Down(ILogger logger, string prefix, int namespaces, int links, int processes, long elapsedMs);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "lab down: {Problem}")]
    public static partial void DownProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "lab {Name}: {Action} {Service} on {Host}")]
    public static partial void ServiceAction(ILogger logger, string name, string action, string service, string host);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Warning, Message = "lab {Name}: agents run WITHOUT TLS (the certificate code is not available); rehearsal only")]
    public static partial void AgentsInsecure(ILogger logger, string name);
}
