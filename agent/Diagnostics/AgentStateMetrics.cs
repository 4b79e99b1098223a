using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Prometheus;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.DataDir;
using ZkMitosis.Agent.State;
using ZkMitosis.Agent.Status;

namespace ZkMitosis.Agent.Diagnostics;

/// <summary>
/// The metrics read from the host at scrape time (a before-collect callback of the default registry): the lease, whether
/// the state directory is writable, and the last zxid in the ZooKeeper data dir. What an operator alerts on between two
/// migrations, when no call updates anything.
/// </summary>
public sealed class AgentStateMetrics
{
    /// <summary>
    /// The data dir is inspected at most this often: the inspection reads the newest transaction log through, which on a
    /// busy server is many megabytes, and a scrape every few seconds must not make the host read it each time.
    /// </summary>
    public static readonly TimeSpan DataDirInterval = TimeSpan.FromSeconds(10);

    private static readonly Gauge LeaseInfo = Metrics.CreateGauge(
        "zkmitosis_agent_lease_info",
        "1 while a live lease is held on this host; labels: its plan and the first 12 hex digits of the SHA-256 of its holder (the fencing token itself is not shown).",
        "plan_id", "holder_digest");

    private static readonly Gauge LeaseExpiry = Metrics.CreateGauge(
        "zkmitosis_agent_lease_expiry_timestamp_seconds", "When the live lease expires unless renewed (Unix time); 0 when none is held.");

    private static readonly Gauge StateWritable = Metrics.CreateGauge(
        "zkmitosis_agent_state_directory_writable", "1 when the state directory is writable (every mutation is recorded there first), 0 when not.");

    private static readonly Gauge DataDirZxid = Metrics.CreateGauge(
        "zkmitosis_agent_data_dir_last_zxid", "The last zxid ZooKeeper wrote to this host's data dir (transaction logs, else the newest snapshot's name); -1 when it holds none.");

    private static readonly Gauge DataDirEpoch = Metrics.CreateGauge(
        "zkmitosis_agent_data_dir_current_epoch", "The data dir's currentEpoch file; -1 when absent.");

    private readonly IAgentStateStore _store;
    private readonly LeaseManager _lease;
    private readonly ILocalZooKeeper _zooKeeper;
    private readonly TimeProvider _time;
    private readonly bool _isZooKeeper;
    private readonly Lock _gate = new();
    private DateTimeOffset _inspectedAt = DateTimeOffset.MinValue;

    public AgentStateMetrics(IAgentStateStore store, LeaseManager lease, ILocalZooKeeper zooKeeper, TimeProvider time, IOptions<AgentOptions> options)
    {
        _store = store;
        _lease = lease;
        _zooKeeper = zooKeeper;
        _time = time;
        _isZooKeeper = options.Value.IsZooKeeper;
    }

    /// <summary>The holder's digest as <c>zkmitosis_agent_lease_info</c> shows it (the coordinator shows the same for its run).</summary>
    public static string HolderDigest(string holder) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(holder)))[..12];

    /// <summary>Refreshes the values before each scrape of the default registry.</summary>
    public void Register() => Metrics.DefaultRegistry.AddBeforeCollectCallback(Refresh);

    /// <summary>Reads the lease, the state directory and (at most every <see cref="DataDirInterval"/>) the data dir.</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            StateWritable.Set(_store.ProbeWritable() ? 1 : 0);
            RefreshLease();
            if (_isZooKeeper && _time.GetUtcNow() - _inspectedAt >= DataDirInterval)
            {
                RefreshDataDir();
            }
        }
    }

    private void RefreshLease()
    {
        LeaseRecord? lease;
        try
        {
            lease = _lease.Current;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // An unreadable lease file is what state_directory_writable (and /readyz) report; the series stay as they were.
            return;
        }

        var labels = lease is null ? null : new[] { lease.PlanId, HolderDigest(lease.Holder) };
        foreach (var old in LeaseInfo.GetAllLabelValues().Where(l => labels is null || !l.SequenceEqual(labels)).ToList())
        {
            LeaseInfo.RemoveLabelled(old);
        }

        if (labels is not null)
        {
            LeaseInfo.WithLabels(labels).Set(1);
        }

        LeaseExpiry.Set(lease is null ? 0 : lease.ExpiresAt.ToUnixTimeMilliseconds() / 1000.0);
    }

    private void RefreshDataDir()
    {
        _inspectedAt = _time.GetUtcNow();
        DataDirInspection inspection;
        try
        {
            inspection = _zooKeeper.InspectDataDir();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        DataDirZxid.Set(inspection.LastZxid);
        DataDirEpoch.Set(inspection.CurrentEpoch);
    }
}
