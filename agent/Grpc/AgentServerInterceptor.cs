using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using ZkMitosis.Agent.Diagnostics;

namespace ZkMitosis.Agent.Grpc;

/// <summary>
/// Every call: typed failures become status codes with details (<see cref="RpcErrors"/>), anything else INTERNAL with
/// the error logged; calls and latencies are counted.
/// </summary>
public sealed class AgentServerInterceptor : Interceptor
{
    private static readonly HashSet<string> Mutating = new(StringComparer.Ordinal)
    {
        "WriteZooConfig", "WriteMyId", "ResetDataDir", "ControlService", "SetKafkaZookeeperConnect", "Isolate", "Heal",
        "ArmBarrier", "FireBarrier", "CancelBarrier", "AcquireLease", "ReleaseLease",
    };

    private readonly ILogger<AgentServerInterceptor> _logger;

    public AgentServerInterceptor(ILogger<AgentServerInterceptor> logger)
    {
        _logger = logger;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        HandleAsync(context, () => continuation(request, context));

    /// <summary>The same mapping for server-streaming calls (ReadTree).</summary>
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        HandleAsync(context, async () =>
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            return true;
        });

    /// <summary>Runs one call: maps its failure to a status, counts it, and logs it if it mutates.</summary>
    private async Task<T> HandleAsync<T>(ServerCallContext context, Func<Task<T>> call)
    {
        var method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        var started = Stopwatch.GetTimestamp();
        var code = StatusCode.OK;
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            code = e.StatusCode;
            throw;
        }
        catch (Exception e) when (RpcErrors.Map(e) is { } mapped)
        {
            code = mapped.StatusCode;
            AgentLog.CallFailed(_logger, method, mapped.StatusCode.ToString(), e.Message);
            throw mapped;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            code = StatusCode.Internal;
            AgentLog.CallCrashed(_logger, method, e);
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.Internal, $"{method} failed unexpectedly: {e.Message}"));
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            AgentMetrics.RecordCall(method, code.ToString(), elapsed, Mutating.Contains(method));
            if (Mutating.Contains(method))
            {
                AgentLog.Mutation(_logger, method, code.ToString(), elapsed.TotalMilliseconds);
            }
        }
    }
}
