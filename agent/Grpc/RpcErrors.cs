using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using ZkMitosis.Agent.Barriers;
using ZkMitosis.Agent.DataDir;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Grpc;

/// <summary>Maps the agent's typed failures to gRPC status codes with <c>google.rpc</c> details that name what is wrong.</summary>
public static class RpcErrors
{
    public const string Domain = "zkmitosis.agent";

    /// <summary>The RpcException for <paramref name="exception"/>, or null when it is not one of ours (a bug: INTERNAL).</summary>
    public static RpcException? Map(Exception exception) => exception is RpcException ? null : StatusOf(exception)?.ToRpcException();

    /// <summary>
    /// The google.rpc.Status (code, message, details) a call failing with <paramref name="exception"/> answers: what an
    /// operation record keeps, so a retry gets the same error back. Null when the exception is not one of ours.
    /// </summary>
    public static Google.Rpc.Status? StatusOf(Exception exception) => exception switch
    {
        RpcException e => e.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)e.StatusCode, Message = e.Status.Detail },
        InvalidRequestException e => Build(global::Grpc.Core.StatusCode.InvalidArgument, e.Message, Any.Pack(new BadRequest
        {
            FieldViolations = { new BadRequest.Types.FieldViolation { Field = e.Field, Description = e.Description } },
        })),
        PreconditionFailedException e => Build(global::Grpc.Core.StatusCode.FailedPrecondition, e.Message, Any.Pack(new PreconditionFailure
        {
            Violations = { new PreconditionFailure.Types.Violation { Type = e.Type, Subject = e.Subject, Description = e.Message } },
        })),
        OperationInterruptedException e => Build(global::Grpc.Core.StatusCode.Aborted, e.Message, Info("OPERATION_INTERRUPTED",
            ("operation_id", e.OperationId), ("method", e.Method), ("accepted_at", e.AcceptedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)))),
        StateStoreUnavailableException e => Build(global::Grpc.Core.StatusCode.Unavailable, e.Message, Info("STATE_DIR_NOT_WRITABLE", ("state_directory", e.Directory))),
        OperationConflictException e => Build(global::Grpc.Core.StatusCode.AlreadyExists, e.Message, Info("OPERATION_ID_REUSED", ("operation_id", e.OperationId))),
        NotArmedException e => Build(global::Grpc.Core.StatusCode.NotFound, e.Message, Info("BARRIER_NOT_ARMED", ("barrier_id", e.BarrierId))),
        OperationNotFoundException e => Build(global::Grpc.Core.StatusCode.NotFound, e.Message, Info("OPERATION_NOT_FOUND", ("operation_id", e.OperationId))),
        UnsupportedOnThisHostException e => Build(global::Grpc.Core.StatusCode.Unimplemented, e.Message, Info("ROLE", ("role", e.Role))),
        TimeoutException e => Build(global::Grpc.Core.StatusCode.DeadlineExceeded, e.Message, Info("TIMEOUT")),
        CommandFailedException e => Build(global::Grpc.Core.StatusCode.Internal, e.Message, Info("COMMAND_FAILED",
            ("command", e.Command), ("exit_code", e.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("stderr", e.Stderr.Length > 2000 ? e.Stderr[..2000] : e.Stderr))),
        InvalidTxnLogException e => Build(global::Grpc.Core.StatusCode.DataLoss, e.Message, Info("TXN_LOG", ("path", e.Path))),
        InvalidSnapshotException e => Build(global::Grpc.Core.StatusCode.DataLoss, e.Message, Info("SNAPSHOT", ("path", e.Path))),
        TreeTooLargeException e => Build(global::Grpc.Core.StatusCode.ResourceExhausted, e.Message, Info("TREE_TOO_LARGE")),
        UnauthorizedAccessException e => Build(global::Grpc.Core.StatusCode.PermissionDenied, e.Message, Info("PERMISSION")),
        IOException e => Build(global::Grpc.Core.StatusCode.Internal, e.Message, Info("IO")),
        _ => null,
    };

    private static Any Info(string reason, params (string Key, string Value)[] metadata)
    {
        var info = new ErrorInfo { Reason = reason, Domain = Domain };
        foreach (var (key, value) in metadata)
        {
            info.Metadata[key] = value;
        }

        return Any.Pack(info);
    }

    private static Google.Rpc.Status Build(global::Grpc.Core.StatusCode code, string message, Any detail) =>
        new() { Code = (int)code, Message = message, Details = { detail } };
}

/// <summary>An operation id was reused for a different request. Maps to ALREADY_EXISTS.</summary>
public sealed class OperationConflictException(string operationId, string message) : Exception(message)
{
    public string OperationId { get; } = operationId;
}

/// <summary>GetOperation named an id with no record. Maps to NOT_FOUND.</summary>
public sealed class OperationNotFoundException(string operationId) : Exception($"no operation '{operationId}' is recorded on this host")
{
    public string OperationId { get; } = operationId;
}

/// <summary>The call does not apply to this host's role. Maps to UNIMPLEMENTED.</summary>
public sealed class UnsupportedOnThisHostException(string role, string message) : Exception(message)
{
    public string Role { get; } = role;
}

/// <summary>
/// The operation was accepted by an earlier agent process that ended before the action finished: its effect is unknown.
/// Maps to ABORTED with google.rpc.ErrorInfo reason OPERATION_INTERRUPTED.
/// </summary>
public sealed class OperationInterruptedException(string operationId, string method, DateTimeOffset acceptedAt)
    : Exception($"operation '{operationId}' ({method}, accepted at {acceptedAt:O}) was interrupted: the agent restarted while it ran, so its effect is unknown; check the host and send a new generation of the id to act again")
{
    public string OperationId { get; } = operationId;

    public string Method { get; } = method;

    public DateTimeOffset AcceptedAt { get; } = acceptedAt;
}

/// <summary>The agent cannot write its state dir, so it cannot record an operation before acting. Maps to UNAVAILABLE.</summary>
public sealed class StateStoreUnavailableException(string directory, string problem)
    : Exception($"the agent cannot write its state directory {directory} ({problem}); it refuses every change until it can record it")
{
    public string Directory { get; } = directory;
}
