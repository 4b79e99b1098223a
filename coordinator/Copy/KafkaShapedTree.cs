using System.Globalization;
using System.Text;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// Builds a tree shaped like Kafka's in ZooKeeper (topics with partitions and their state, topic configs,
/// broker sequence, controller epoch) of about a given number of znodes averaging about 100 bytes each:
/// the workload of the copy benchmark, the tests and rehearsals.
/// </summary>
public static class KafkaShapedTree
{
    /// <summary>Partitions per topic; each topic is then 3 + 2 × 10 = 23 znodes.</summary>
    public const int PartitionsPerTopic = 10;

    /// <summary>Creates about <paramref name="znodes"/> znodes under <paramref name="root"/> (created too); returns how many.</summary>
    public static async Task<long> CreateAsync(ZooKeeperClient client, string root, int znodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var topics = Math.Max(1, (znodes - 12) / (3 + (2 * PartitionsPerTopic)));
        var ops = new List<Op>();
        var inFlight = new List<Task<MultiResult>>();
        long created = 0;
        async Task AddAsync(string path, string data)
        {
            ops.Add(Op.Create(path, Encoding.UTF8.GetBytes(data)));
            created++;
            if (ops.Count == 1000)
            {
                await SendAsync().ConfigureAwait(false);
            }
        }

        async Task SendAsync()
        {
            inFlight.Add(client.MultiAsync(ops.ToArray(), cancellationToken));
            ops.Clear();
            if (inFlight.Count >= 8)
            {
                (await inFlight[0].ConfigureAwait(false)).EnsureCommitted();
                inFlight.RemoveAt(0);
            }
        }

        var r = root == "/" ? string.Empty : root;
        for (var slash = r.IndexOf('/', 1); slash > 0; slash = r.IndexOf('/', slash + 1))
        {
            try
            {
                await client.CreateAsync(r[..slash], ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
            {
                // The parent is already there.
            }
        }

        if (r.Length > 0)
        {
            await AddAsync(r, string.Empty).ConfigureAwait(false);
        }

        foreach (var path in new[] { "/brokers", "/brokers/ids", "/brokers/topics", "/brokers/seqid", "/config", "/config/topics", "/config/changes", "/admin", "/admin/delete_topics", "/isr_change_notification" })
        {
            await AddAsync(r + path, string.Empty).ConfigureAwait(false);
        }

        await AddAsync(r + "/controller_epoch", "7").ConfigureAwait(false);
        for (var t = 0; t < topics; t++)
        {
            var topic = string.Create(CultureInfo.InvariantCulture, $"topic-{t:D6}");
            var assignment = string.Join(',', Enumerable.Range(0, PartitionsPerTopic).Select(p => string.Create(CultureInfo.InvariantCulture, $"\"{p}\":[{p % 3},{(p + 1) % 3},{(p + 2) % 3}]")));
            await AddAsync($"{r}/brokers/topics/{topic}", $"{{\"version\":2,\"partitions\":{{{assignment}}},\"adding_replicas\":{{}},\"removing_replicas\":{{}}}}").ConfigureAwait(false);
            await AddAsync($"{r}/brokers/topics/{topic}/partitions", string.Empty).ConfigureAwait(false);
            for (var p = 0; p < PartitionsPerTopic; p++)
            {
                var partition = string.Create(CultureInfo.InvariantCulture, $"{r}/brokers/topics/{topic}/partitions/{p}");
                await AddAsync(partition, string.Empty).ConfigureAwait(false);
                await AddAsync(partition + "/state", string.Create(CultureInfo.InvariantCulture, $"{{\"controller_epoch\":7,\"leader\":{p % 3},\"version\":1,\"leader_epoch\":3,\"isr\":[0,1,2]}}")).ConfigureAwait(false);
            }

            await AddAsync($"{r}/config/topics/{topic}", "{\"version\":1,\"config\":{\"retention.ms\":\"604800000\"}}").ConfigureAwait(false);
        }

        if (ops.Count > 0)
        {
            await SendAsync().ConfigureAwait(false);
        }

        foreach (var task in inFlight)
        {
            (await task.ConfigureAwait(false)).EnsureCommitted();
        }

        return created;
    }
}
