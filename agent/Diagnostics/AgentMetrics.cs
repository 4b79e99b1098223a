using Prometheus;
using ZkMitosis.Agent.Status;

namespace ZkMitosis.Agent.Grpc;

/// <summary>
/// The agent's Prometheus metrics (served on the monitoring port at <c>/metrics</c>; docs/metrics.md lists them). Names
/// follow Prometheus conventions: base units in the name (<c>_seconds</c>), <c>_total</c> on counters only.
/// </summary>
public static class AgentMetrics
{
    /// <summary>The RPCs that pass the operation gate (their failures are counted from zero, so a first failure shows as an increase).</summary>
    public static readonly IReadOnlyList<string> Operations =
    [
        "WriteZooConfig", "WriteMyId", "ResetDataDir", "ControlService", "SetKafkaZookeeperConnect", "Isolate", "Heal",
        "ArmBarrier", "FireBarrier", "CancelBarrier",
    ];

    private static readonly Counter Calls = Metrics.CreateCounter(
        "zkmitosis_agent_rpc_calls_total", "gRPC calls by method and status code.", "method", "code");

    private static readonly Histogram Latency = Metrics.CreateHistogram(
        "zkmitosis_agent_rpc_duration_seconds", "gRPC call latency by method.",
        new HistogramConfiguration { LabelNames = ["method"], Buckets = Histogram.ExponentialBuckets(0.0005, 4, 10) });

    private static readonly Gauge ZooKeeperMode = Metrics.CreateGauge(
        "zkmitosis_agent_zookeeper_mode", "1 for the local ZooKeeper's current mode, 0 for the others.", "mode");

    private static readonly Gauge ZooKeeperZxid = Metrics.CreateGauge(
        "zkmitosis_agent_zookeeper_zxid", "The local ZooKeeper's last zxid (srvr), or the last on disk when it does not serve.");

    private static readonly Gauge LastAction = Metrics.CreateGauge(
        "zkmitosis_agent_last_action_timestamp_seconds", "When the last mutating call finished, by method and status code.", "method", "code");

    private static readonly Counter OperationFailures = Metrics.CreateCounter(
        "zkmitosis_agent_operation_failures_total",
        "Mutating operations this host accepted (recorded, then acted on) that failed, by RPC method: the effect may be partial until the coordinator re-checks.",
        "method");

    private static readonly Gauge Interrupted = Metrics.CreateGauge(
        "zkmitosis_agent_operations_interrupted",
        "Operations an earlier agent process accepted and did not finish, found when this process started: their effect is unknown until the coordinator re-checks.");

    static AgentMetrics()
    {
        foreach (var method in Operations)
        {
            OperationFailures.WithLabels(method).IncTo(0);
        }
    }

    public static void RecordCall(string method, string code, TimeSpan elapsed, bool mutating)
    {
        Calls.WithLabels(method, code).Inc();
        Latency.WithLabels(method).Observe(elapsed.TotalSeconds);
        if (mutating)
        {
            LastAction.WithLabels(method, code).SetToCurrentTimeUtc();
        }
    }

    /// <summary>An accepted operation's action failed (<see cref="OperationGate"/>); a refusal before acting is not counted here.</summary>
    public static void RecordOperationFailed(string method) => OperationFailures.WithLabels(method).Inc();

    /// <summary>At start: how many accepted operations the previous process left unfinished.</summary>
    public static void RecordInterruptedAtStart(int count) => Interrupted.Set(count);

    public static void RecordZooKeeper(ZooKeeperLocalStatus status)
    {
        foreach (var mode in Enum.GetValues<LocalZooKeeperMode>())
        {
            ZooKeeperMode.WithLabels(mode.ToString().ToLowerInvariant()).Set(mode == status.Mode ? 1 : 0);
        }

        ZooKeeperZxid.Set(status.Zxid >= 0 ? status.Zxid : status.LastZxidOnDisk);
    }
}
