using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ZkMitosis.Agent.Diagnostics;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.State;
using ZkMitosis.Agent.V1;

namespace ZkMitosis.Agent.Grpc;

/// <summary>
/// Every mutating call passes here (agent.proto, "Conventions"). Its context is checked; a call whose id is known is
/// answered from the record (done: the response; failed: the same error; interrupted: ABORTED) or, while it runs, waits
/// for it; a new call needs a writable state dir and the live lease of its plan held by its holder, is recorded as
/// accepted durably before anything is done, and then runs to its end whatever the caller does. Actions run one at a
/// time: the host's files, service and firewall are single resources.
/// </summary>
public sealed class OperationGate
{
    public const int MaxOperationIdLength = Identifiers.MaxLength;

    /// <summary>
    /// The bound on any one action once the caller no longer bounds it: above the longest wait a call may ask for
    /// (ControlService timeout, at most 30 min).
    /// </summary>
    public static readonly TimeSpan MaxActionDuration = TimeSpan.FromMinutes(35);

    private readonly IAgentStateStore _store;
    private readonly LeaseManager _lease;
    private readonly TimeProvider _time;
    private readonly ILogger<OperationGate> _logger;
    private readonly string _stateDirectory;
    private readonly int _retentionDays;
    private readonly SemaphoreSlim _mutex = new(1, 1);
    private readonly Lock _accepting = new();
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);

    public OperationGate(IAgentStateStore store, LeaseManager lease, TimeProvider time, ILogger<OperationGate> logger, Microsoft.Extensions.Options.IOptions<Configuration.AgentOptions> options)
    {
        _store = store;
        _lease = lease;
        _time = time;
        _logger = logger;
        _stateDirectory = options.Value.StateDirectory;
        _retentionDays = options.Value.OperationRetentionDays;
    }

    /// <summary>Checks a context without acting.</summary>
    /// <exception cref="InvalidRequestException">plan_id, operation_id or lease_holder missing or malformed.</exception>
    public static void Validate(MutationContext? context)
    {
        if (context is null)
        {
            throw new InvalidRequestException("context", "required on every mutating call (plan_id, operation_id and lease_holder)");
        }

        Identifiers.RequireId("context.plan_id", context.PlanId);
        Identifiers.RequireId("context.operation_id", context.OperationId);
        Identifiers.RequireText("context.lease_holder", context.LeaseHolder);
    }

    /// <summary>
    /// At agent start: every record still accepted belongs to an agent process that ended while its action ran; it is
    /// marked interrupted (best effort: a record that cannot be rewritten is still answered as interrupted, since no
    /// action of this process runs under it). Returns every record, for the barrier registry.
    /// </summary>
    public IReadOnlyList<OperationRecord> MarkInterrupted()
    {
        var records = _store.ListOperations();
        var marked = 0;
        foreach (var record in records.Where(r => r.Status == OperationStates.Accepted))
        {
            try
            {
                _store.SaveOperation(record with { Status = OperationStates.Interrupted });
                marked++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                AgentLog.StateWriteFailed(_logger, record.OperationId, e.Message);
            }
        }

        if (marked > 0)
        {
            AgentLog.OperationsInterrupted(_logger, marked);
        }

        AgentMetrics.RecordInterruptedAtStart(marked);

        return records;
    }

    /// <summary>
    /// At agent start (after <see cref="MarkInterrupted"/>) and when a lease is taken: removes the records that finished
    /// more than <see cref="Configuration.AgentOptions.OperationRetentionDays"/> ago, except those of the lease's plan
    /// (held, or expired and not released: a coordinator may still resume it). Without this the state dir grows by every
    /// call of every plan. Best effort: a record that cannot be removed stays and is answered as before. Returns how
    /// many were removed.
    /// </summary>
    public int PruneFinished()
    {
        var records = _store.ListOperations();
        var leasePlan = _store.ReadLease()?.PlanId;
        var cutoff = _time.GetUtcNow() - TimeSpan.FromDays(_retentionDays);
        var removed = 0;
        foreach (var record in records)
        {
            var endedAt = record.FinishedAt ?? record.AcceptedAt;
            if (record.Status == OperationStates.Accepted || record.PlanId == leasePlan || endedAt >= cutoff)
            {
                continue;
            }

            try
            {
                _store.DeleteOperation(record.OperationId);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                AgentLog.StateWriteFailed(_logger, record.OperationId, e.Message);
            }
        }

        if (removed > 0)
        {
            AgentLog.OperationsPruned(_logger, removed, _retentionDays);
        }

        return removed;
    }

    /// <summary>Runs <paramref name="action"/> once per operation id and answers every call with that id from its outcome.</summary>
    /// <param name="method">The RPC name, recorded and part of the intent.</param>
    /// <param name="context">The call's MutationContext.</param>
    /// <param name="request">The whole request; its intent (<see cref="OperationIntent"/>) identifies the operation.</param>
    /// <param name="action">The effect; it gets a token bounded by <see cref="MaxActionDuration"/>, not the caller's.</param>
    /// <param name="setInfo">Puts the OperationInfo into a response.</param>
    /// <param name="cancellationToken">The caller's: bounds only this call's wait, never the action.</param>
    /// <param name="rerunnable">
    /// For an action with no effect on the world (arming a barrier): a repeat of a known id runs it again instead of
    /// replaying, so what the record says and what memory holds cannot disagree after a restart.
    /// </param>
    /// <exception cref="InvalidRequestException">the context is malformed.</exception>
    /// <exception cref="OperationConflictException">the id was used for another intent.</exception>
    /// <exception cref="OperationInterruptedException">the id's action was interrupted by an agent restart.</exception>
    /// <exception cref="StateStoreUnavailableException">the state dir cannot be written; nothing was done.</exception>
    /// <exception cref="PreconditionFailedException">the lease does not allow the call ("LEASE"); nothing was done.</exception>
    /// <exception cref="RpcException">the recorded error of an earlier failed call with this id.</exception>
    public async Task<TResponse> RunAsync<TResponse>(
        string method,
        MutationContext? context,
        IMessage request,
        Func<CancellationToken, Task<TResponse>> action,
        Action<TResponse, OperationInfo> setInfo,
        CancellationToken cancellationToken,
        bool rerunnable = false)
        where TResponse : IMessage<TResponse>, new()
    {
        Validate(context);
        var id = context!.OperationId;
        var digest = OperationIntent.Digest(method, request);
        Running running;
        var replayed = true;
        lock (_accepting)
        {
            if (_running.TryGetValue(id, out var current))
            {
                CheckSameIntent(id, current.Method, current.PlanId, current.Digest, current.AcceptedAt, method, digest);
                running = current;
            }
            else
            {
                var recorded = Find(id);
                if (recorded is not null)
                {
                    CheckSameIntent(id, recorded.Method, recorded.PlanId, recorded.IntentDigest, recorded.AcceptedAt, method, digest);
                    if (!rerunnable)
                    {
                        return Replay(recorded, setInfo);
                    }
                }

                running = Accept(method, context, digest, ct => Wrap(action, ct));
                replayed = false;
            }
        }

        var response = (TResponse)await running.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        var answer = new TResponse();
        answer.MergeFrom(response.ToByteString());
        setInfo(answer, Info(id, replayed, running.AcceptedAt, OperationStatus.Done));
        return answer;
    }

    /// <summary>The record of <paramref name="operationId"/>, with an accepted one no action of this process runs under reported as interrupted.</summary>
    public OperationRecord? Describe(string operationId)
    {
        lock (_accepting)
        {
            var record = Find(operationId);
            return record is not null && record.Status == OperationStates.Accepted && !_running.ContainsKey(operationId)
                ? record with { Status = OperationStates.Interrupted }
                : record;
        }
    }

    /// <summary>Whether <paramref name="operationId"/>'s action runs in this process now.</summary>
    public bool IsRunning(string operationId)
    {
        lock (_accepting)
        {
            return _running.ContainsKey(operationId);
        }
    }

    private static async Task<IMessage> Wrap<TResponse>(Func<CancellationToken, Task<TResponse>> action, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse> =>
        await action(cancellationToken).ConfigureAwait(false);

    private OperationRecord? Find(string operationId)
    {
        try
        {
            return _store.FindOperation(operationId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new StateStoreUnavailableException(_stateDirectory, $"reading the record of '{operationId}' failed: {e.Message}");
        }
    }

    /// <summary>Under <see cref="_accepting"/>: checks the store and the lease, records the call as accepted, starts it.</summary>
    private Running Accept(string method, MutationContext context, string digest, Func<CancellationToken, Task<IMessage>> action)
    {
        if (!_store.ProbeWritable())
        {
            throw new StateStoreUnavailableException(_stateDirectory, "not writable");
        }

        _lease.CheckMayMutate(context.PlanId, context.LeaseHolder);
        var accepted = new OperationRecord
        {
            OperationId = context.OperationId,
            PlanId = context.PlanId,
            Method = method,
            Holder = context.LeaseHolder,
            IntentDigest = digest,
            Status = OperationStates.Accepted,
            AcceptedAt = _time.GetUtcNow(),
        };
        try
        {
            _store.SaveOperation(accepted);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateStoreUnavailableException(_stateDirectory, e.Message);
        }

        var completion = new TaskCompletionSource<IMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new Running(method, context.PlanId, digest, accepted.AcceptedAt, completion.Task);
        _running[context.OperationId] = running;
        // Not on the caller's token and not inline: the action runs to its end even when every caller is gone.
        _ = Task.Run(() => ExecuteAsync(accepted, action, completion));
        return running;
    }

    private async Task ExecuteAsync(OperationRecord accepted, Func<CancellationToken, Task<IMessage>> action, TaskCompletionSource<IMessage> completion)
    {
        await _mutex.WaitAsync().ConfigureAwait(false);
        try
        {
            using var bound = new CancellationTokenSource(MaxActionDuration, _time);
            IMessage response;
            try
            {
                response = await action(bound.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var status = RpcErrors.StatusOf(e) ?? new Google.Rpc.Status
                {
                    Code = (int)StatusCode.Internal,
                    Message = $"{accepted.Method} failed unexpectedly: {e.Message}",
                };
                Finish(accepted with
                {
                    Status = OperationStates.Failed,
                    FinishedAt = _time.GetUtcNow(),
                    ErrorCode = status.Code,
                    ErrorMessage = status.Message,
                    ErrorStatusBase64 = status.ToByteString().ToBase64(),
                });
                AgentMetrics.RecordOperationFailed(accepted.Method);
                completion.SetException(e);
                return;
            }

            Finish(accepted with
            {
                Status = OperationStates.Done,
                FinishedAt = _time.GetUtcNow(),
                ResponseBase64 = response.ToByteString().ToBase64(),
                ResponseJson = JsonFormatter.Default.Format(response),
            });
            completion.SetResult(response);
        }
        finally
        {
            _mutex.Release();
        }
    }

    private void Finish(OperationRecord record)
    {
        lock (_accepting)
        {
            try
            {
                _store.SaveOperation(record);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The action ended but its outcome could not be recorded: after a restart the record says interrupted
                // (effect unknown), which is the truth as far as the record can tell.
                AgentLog.StateWriteFailed(_logger, record.OperationId, e.Message);
            }

            _running.Remove(record.OperationId);
        }
    }

    private static void CheckSameIntent(string id, string recordedMethod, string recordedPlan, string recordedDigest, DateTimeOffset acceptedAt, string method, string digest)
    {
        if (recordedMethod != method || recordedDigest != digest)
        {
            throw new OperationConflictException(id,
                $"operation_id '{id}' was already used for a different request ({recordedMethod} of plan '{recordedPlan}' accepted at {acceptedAt:O}); a retry must send the same request.");
        }
    }

    private static TResponse Replay<TResponse>(OperationRecord recorded, Action<TResponse, OperationInfo> setInfo)
        where TResponse : IMessage<TResponse>, new()
    {
        switch (recorded.Status)
        {
            case OperationStates.Done:
                var replay = new TResponse();
                replay.MergeFrom(Convert.FromBase64String(recorded.ResponseBase64 ?? ""));
                setInfo(replay, Info(recorded.OperationId, true, recorded.AcceptedAt, OperationStatus.Done));
                return replay;
            case OperationStates.Failed:
                var status = recorded.ErrorStatusBase64 is { } bytes
                    ? Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(bytes))
                    : new Google.Rpc.Status { Code = recorded.ErrorCode ?? (int)StatusCode.Unknown, Message = recorded.ErrorMessage ?? "" };
                throw status.ToRpcException();
            default:
                // Accepted (by a process that ended: this one runs nothing under it) or already marked interrupted.
                throw new OperationInterruptedException(recorded.OperationId, recorded.Method, recorded.AcceptedAt);
        }
    }

    private static OperationInfo Info(string id, bool replayed, DateTimeOffset acceptedAt, OperationStatus status) =>
        new() { OperationId = id, Replayed = replayed, PerformedAt = Timestamp.FromDateTimeOffset(acceptedAt), Status = status };

    private sealed record Running(string Method, string PlanId, string Digest, DateTimeOffset AcceptedAt, Task<IMessage> Completion);
}
