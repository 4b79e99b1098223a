using System.Globalization;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Switch;

/// <summary>What a <see cref="PartitionStateWatch"/> saw while it ran.</summary>
/// <param name="Polls">Reads of the whole partition state that succeeded.</param>
/// <param name="Offline">Every partition seen offline (leader -1), one line per sighting: <c>events-3: leader -1, isr 4</c>.</param>
/// <param name="UnderMinIsr">Every partition seen with an ISR smaller than its <c>min.insync.replicas</c>, one line per sighting.</param>
/// <param name="MostBrokersDown">The most brokers of the plan seen unregistered at once.</param>
public sealed record PartitionStateWatchResult(int Polls, IReadOnlyList<string> Offline, IReadOnlyList<string> UnderMinIsr, int MostBrokersDown);

/// <summary>
/// Polls Kafka's partition state (<c>/brokers/topics/&lt;t&gt;/partitions/&lt;p&gt;/state</c>, through
/// <see cref="KafkaTopologyReader"/>) on one ZooKeeper session until stopped, and keeps every partition seen offline or
/// below its <c>min.insync.replicas</c>: what a batched switch must never show at any instant. For the lab's tests and
/// benchmarks, which watch a switch from outside the coordinator, as a Kafka operator's monitoring would
/// (Kafka's OfflinePartitionsCount and UnderMinIsrPartitionCount, read here from ZooKeeper instead of JMX).
/// </summary>
public sealed class PartitionStateWatch
{
    private readonly string _connectString;
    private readonly IReadOnlyCollection<int> _brokers;
    private readonly int _defaultMinInsyncReplicas;
    private readonly TimeSpan _interval;

    /// <param name="connectString">Hosts and chroot of Kafka's ensemble (e.g. the plan's <c>SourceConnect</c>, which sees the joint ensemble).</param>
    /// <param name="brokers">The brokers counted for <see cref="PartitionStateWatchResult.MostBrokersDown"/>.</param>
    /// <param name="defaultMinInsyncReplicas">The brokers' <c>min.insync.replicas</c>, for topics without their own.</param>
    /// <param name="interval">Pause between two reads; at least 10 ms.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is under 10 ms or <paramref name="defaultMinInsyncReplicas"/> under 1.</exception>
    public PartitionStateWatch(string connectString, IReadOnlyCollection<int> brokers, int defaultMinInsyncReplicas, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultMinInsyncReplicas, 1);
        _connectString = connectString;
        _brokers = brokers;
        _defaultMinInsyncReplicas = defaultMinInsyncReplicas;
        _interval = interval;
    }

    /// <summary>
    /// Reads until <paramref name="stop"/> is cancelled, then returns what it saw. A read that fails (the ensemble is
    /// electing, the session moved) is not a poll and is retried after the interval; it never ends the watch.
    /// </summary>
    public async Task<PartitionStateWatchResult> RunAsync(CancellationToken stop)
    {
        var offline = new List<string>();
        var underMinIsr = new List<string>();
        var polls = 0;
        var mostDown = 0;
        ZooKeeperClient? client = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    client ??= await ZooKeeperClient.ConnectAsync(_connectString, cancellationToken: stop).ConfigureAwait(false);
                    var topology = await KafkaTopologyReader.ReadAsync(client, stop).ConfigureAwait(false);
                    polls++;
                    mostDown = Math.Max(mostDown, _brokers.Count(b => !topology.RegisteredRacks.ContainsKey(b)));
                    foreach (var p in topology.Partitions)
                    {
                        if (p.Leader < 0)
                        {
                            offline.Add(Describe(p));
                        }
                        else if (p.Isr.Count < (p.MinInsyncReplicas ?? _defaultMinInsyncReplicas))
                        {
                            underMinIsr.Add(Describe(p));
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is KeeperException or ZooKeeperProtocolException or TimeoutException or IOException)
                {
                    // Not a poll: read again on a fresh session after the pause.
                    if (client is not null)
                    {
                        await client.DisposeAsync().ConfigureAwait(false);
                        client = null;
                    }
                }

                try
                {
                    await Task.Delay(_interval, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new PartitionStateWatchResult(polls, offline, underMinIsr, mostDown);
    }

    private static string Describe(PartitionPlacement p) =>
        $"{p.Name}: leader {p.Leader.ToString(CultureInfo.InvariantCulture)}, isr {BatchSafety.Join(p.Isr)}";
}
