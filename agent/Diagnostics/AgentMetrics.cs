using Prometheus;
using ZkMitosis.Agent.Status;

namespace ZkMitosis.Agent.Grpc;

/// <summary>The agent's Prometheus metrics (served on the monitoring port at <c>/metrics</c>).</summary>
public static class AgentMetrics
{
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

    public static void RecordCall(string method, string code, TimeSpan elapsed, bool mutating)
    {
        Calls.WithLabels(method, code).Inc();
        Latency.WithLabels(method).Observe(elapsed.TotalSeconds);
        if (mutating)
        {
            LastAction.WithLabels(method, code).SetToCurrentTimeUtc();
        }
    }

    public static void RecordZooKeeper(ZooKeeperLocalStatus status)
    {
        foreach (var mode in Enum.GetValues<LocalZooKeeperMode>())
        {
            ZooKeeperMode.WithLabels(mode.ToString().ToLowerInvariant()).Set(mode == status.Mode ? 1 : 0);
        }

        ZooKeeperZxid.Set(status.Zxid >= 0 ? status.Zxid : status.LastZxidOnDisk);
    }
}
