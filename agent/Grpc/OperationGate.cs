using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.State;
using ZkMitosis.Agent.V1;

namespace ZkMitosis.Agent.Grpc;

/// <summary>
/// Every mutating call passes here: its context is checked, a retry (same operation id, same request) is answered from
/// the record, another plan's live lease refuses it, and a new result is recorded before it is returned. Mutations run
/// one at a time: the host's files, service and firewall are single resources.
/// </summary>
public sealed class OperationGate
{
    public const int MaxOperationIdLength = 128;

    private readonly IAgentStateStore _store;
    private readonly LeaseManager _lease;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _mutex = new(1, 1);

    public OperationGate(IAgentStateStore store, LeaseManager lease, TimeProvider time)
    {
        _store = store;
        _lease = lease;
        _time = time;
    }

    /// <summary>Checks a context without acting.</summary>
    /// <exception cref="InvalidRequestException">plan_id or operation_id missing or malformed.</exception>
    public static void Validate(MutationContext? context)
    {
        if (context is null)
        {
            throw new InvalidRequestException("context", "required on every mutating call (plan_id and operation_id)");
        }

        if (string.IsNullOrWhiteSpace(context.PlanId))
        {
            throw new InvalidRequestException("context.plan_id", "required");
        }

        if (string.IsNullOrWhiteSpace(context.OperationId))
        {
            throw new InvalidRequestException("context.operation_id", "required");
        }

        if (context.OperationId.Length > MaxOperationIdLength)
        {
            throw new InvalidRequestException("context.operation_id", $"longer than {MaxOperationIdLength} characters");
        }
    }

    /// <summary>Runs <paramref name="action"/> once per operation id; retries get the recorded response.</summary>
    public async Task<TResponse> RunAsync<TResponse>(
        string method,
        MutationContext? context,
        IMessage request,
        Func<CancellationToken, Task<TResponse>> action,
        Action<TResponse, OperationInfo> setInfo,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        Validate(context);
        var digest = Convert.ToHexStringLower(SHA256.HashData(request.ToByteArray()));
        await _mutex.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var recorded = _store.FindOperation(context!.OperationId);
            if (recorded is not null)
            {
                if (recorded.Method != method || recorded.RequestDigest != digest)
                {
                    throw new OperationConflictException(context.OperationId,
                        $"operation_id '{context.OperationId}' was already used for a different request ({recorded.Method} of plan '{recorded.PlanId}' at {recorded.PerformedAt:O}); a retry must send the same request.");
                }

                var replay = new TResponse();
                replay.MergeFrom(Convert.FromBase64String(recorded.ResponseBase64));
                setInfo(replay, new OperationInfo { OperationId = recorded.OperationId, Replayed = true, PerformedAt = Timestamp.FromDateTimeOffset(recorded.PerformedAt) });
                return replay;
            }

            _lease.CheckMayMutate(context.PlanId);
            var response = await action(cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            setInfo(response, new OperationInfo { OperationId = context.OperationId, Replayed = false, PerformedAt = Timestamp.FromDateTimeOffset(now) });
            _store.SaveOperation(new OperationRecord
            {
                OperationId = context.OperationId,
                PlanId = context.PlanId,
                Method = method,
                RequestDigest = digest,
                PerformedAt = now,
                ResponseBase64 = Convert.ToBase64String(response.ToByteArray()),
                ResponseJson = JsonFormatter.Default.Format(response),
            });
            return response;
        }
        finally
        {
            _mutex.Release();
        }
    }
}
