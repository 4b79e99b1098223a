using Google.Rpc;
using Grpc.Core;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>
/// Bounded retries of agent calls: transient failures (the agent restarting, a network blip, a deadline) are
/// retried with the same request — hence the same operation id — up to <see cref="Attempts"/> times (default 5)
/// with a growing pause (default from 250 ms, doubling, at most 4 s). Anything else fails at once with a clear
/// <see cref="AgentCallException"/> carrying the agent's own explanation.
/// </summary>
public sealed class AgentRetryPolicy
{
    public int Attempts { get; init; } = 5;

    public TimeSpan FirstPause { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxPause { get; init; } = TimeSpan.FromSeconds(4);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Called before each retry: (agent, call, attempt, error).</summary>
    public Action<string, string, int, string>? OnRetry { get; init; }

    /// <summary>
    /// Called after each attempt (must be quick and not throw): agent, call, how long the attempt took, and the gRPC
    /// status it failed with (null when it succeeded). For the coordinator's metrics.
    /// </summary>
    public Action<string, string, TimeSpan, StatusCode?>? OnAttempt { get; init; }

    public async Task<T> RunAsync<T>(string agent, string call, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(agent, call, action, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (IsInterrupted(e))
            {
                // Not transient: the same id will be answered "interrupted" again; the caller re-checks the world.
                throw new AgentCallException(agent, call, Describe(e), e) { Interrupted = true };
            }
            catch (RpcException e) when (IsTransient(e) && attempt < Attempts && !cancellationToken.IsCancellationRequested)
            {
                OnRetry?.Invoke(agent, call, attempt, Describe(e));
                await Task.Delay(pause, Time, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
            }
            catch (RpcException e)
            {
                throw new AgentCallException(agent, call, Describe(e) + (IsTransient(e) ? $" (after {attempt} attempts)" : ""), e) { Answered = !IsTransient(e) };
            }
        }
    }

    /// <summary>One attempt, timed and reported to <see cref="OnAttempt"/>.</summary>
    private async Task<T> AttemptAsync<T>(string agent, string call, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = await action(cancellationToken).ConfigureAwait(false);
            OnAttempt?.Invoke(agent, call, System.Diagnostics.Stopwatch.GetElapsedTime(started), null);
            return result;
        }
        catch (RpcException e)
        {
            OnAttempt?.Invoke(agent, call, System.Diagnostics.Stopwatch.GetElapsedTime(started), e.StatusCode);
            throw;
        }
    }

    /// <summary>
    /// The agent restarted while it ran this operation id (ABORTED with google.rpc.ErrorInfo reason
    /// OPERATION_INTERRUPTED, agent.proto): its effect is unknown until the world is checked.
    /// </summary>
    public static bool IsInterrupted(RpcException e)
    {
        if (e.StatusCode != StatusCode.Aborted)
        {
            return false;
        }

        try
        {
            return e.GetRpcStatus()?.GetDetail<ErrorInfo>() is { Reason: "OPERATION_INTERRUPTED" };
        }
        catch (Exception ex) when (ex is InvalidOperationException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }

    public static bool IsTransient(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;

    /// <summary>The status code, message and the rich details (precondition violations, bad fields, command output).</summary>
    public static string Describe(RpcException e)
    {
        var text = $"{e.StatusCode}: {e.Status.Detail}";
        try
        {
            var status = e.GetRpcStatus();
            if (status is null)
            {
                return text;
            }

            var details = new List<string>();
            if (status.GetDetail<PreconditionFailure>() is { } precondition)
            {
                details.AddRange(precondition.Violations.Select(v => $"{v.Type} {v.Subject}: {v.Description}"));
            }

            if (status.GetDetail<BadRequest>() is { } bad)
            {
                details.AddRange(bad.FieldViolations.Select(v => $"{v.Field}: {v.Description}"));
            }

            if (status.GetDetail<ErrorInfo>() is { } info)
            {
                details.Add(string.Join(", ", info.Metadata.Select(m => $"{m.Key}={m.Value}")));
            }

            return details.Count == 0 ? text : $"{text} ({string.Join("; ", details)})";
        }
        catch (Exception ex) when (ex is InvalidOperationException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return text;
        }
    }
}
