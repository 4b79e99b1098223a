using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Lab.Populate;

/// <summary>
/// Fills a fresh source ensemble with what it holds in production: Kafka's tree under the chroot (cluster id,
/// controller epoch, broker and topic registrations with partition state, seqid, admin, config, notification
/// parents) and another tenant's tree under <c>/other</c>. One atomic multi, so a half-populated source never exists.
/// </summary>
public static class LabPopulator
{
    public const string OtherTenantRoot = "/other";

    public static async Task PopulateAsync(string connectString, string chroot, int topics, int partitionsPerTopic, int brokers, CancellationToken cancellationToken)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(connectString, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(20) }, cancellationToken).ConfigureAwait(false);
        var ops = Operations(chroot, topics, partitionsPerTopic, brokers).Select(node => Op.Create(node.Path, node.Data)).ToList();
        (await client.MultiAsync(ops, cancellationToken).ConfigureAwait(false)).EnsureCommitted();
        await client.CloseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The nodes to create, parents first.</summary>
    public static IReadOnlyList<(string Path, byte[] Data)> Operations(string chroot, int topics, int partitionsPerTopic, int brokers)
    {
        var nodes = new List<(string, byte[])>();
        void Add(string path, string data = "") => nodes.Add((path, Encoding.UTF8.GetBytes(data)));
        void AddJson(string path, JsonNode json) => nodes.Add((path, JsonSerializer.SerializeToUtf8Bytes(json)));

        var parts = chroot.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i <= parts.Length; i++)
        {
            Add("/" + string.Join('/', parts.Take(i)));
        }

        var root = chroot.TrimEnd('/');
        Add(root + "/cluster");
        AddJson(root + "/cluster/id", new JsonObject { ["version"] = "1", ["id"] = ClusterId() });
        Add(root + "/controller_epoch", "0");
        Add(root + "/brokers");
        Add(root + "/brokers/ids");
        Add(root + "/brokers/seqid");
        Add(root + "/brokers/topics");
        Add(root + "/admin");
        Add(root + "/admin/delete_topics");
        Add(root + "/config");
        foreach (var kind in new[] { "changes", "clients", "users", "brokers", "ips", "topics" })
        {
            Add(root + "/config/" + kind);
        }

        Add(root + "/isr_change_notification");
        Add(root + "/log_dir_event_notification");
        AddJson(root + "/latest_producer_id_block", new JsonObject { ["version"] = 1, ["broker"] = 1, ["block_start"] = "0", ["block_end"] = "999" });
        AddJson(root + "/feature", new JsonObject { ["features"] = new JsonObject(), ["version"] = 2, ["status"] = 1 });

        var brokerIds = Enumerable.Range(1, Math.Max(brokers, 1)).ToList();
        var replication = Math.Min(3, brokerIds.Count);
        for (var t = 0; t < topics; t++)
        {
            var topic = "topic-" + t.ToString(CultureInfo.InvariantCulture);
            var assignment = new JsonObject();
            var replicasOf = new Dictionary<int, List<int>>();
            for (var p = 0; p < partitionsPerTopic; p++)
            {
                var replicas = Enumerable.Range(0, replication).Select(r => brokerIds[(p + t + r) % brokerIds.Count]).ToList();
                replicasOf[p] = replicas;
                assignment[p.ToString(CultureInfo.InvariantCulture)] = new JsonArray(replicas.Select(r => (JsonNode)JsonValue.Create(r)).ToArray());
            }

            AddJson(root + "/brokers/topics/" + topic, new JsonObject
            {
                ["removing_replicas"] = new JsonObject(),
                ["partitions"] = assignment,
                ["topic_id"] = ClusterId(),
                ["adding_replicas"] = new JsonObject(),
                ["version"] = 3,
            });
            Add(root + "/brokers/topics/" + topic + "/partitions");
            for (var p = 0; p < partitionsPerTopic; p++)
            {
                var partitionPath = root + "/brokers/topics/" + topic + "/partitions/" + p.ToString(CultureInfo.InvariantCulture);
                Add(partitionPath);
                AddJson(partitionPath + "/state", new JsonObject
                {
                    ["controller_epoch"] = 0,
                    ["leader"] = replicasOf[p][0],
                    ["version"] = 1,
                    ["leader_epoch"] = 0,
                    ["isr"] = new JsonArray(replicasOf[p].Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
                });
            }

            AddJson(root + "/config/topics/" + topic, new JsonObject { ["version"] = 1, ["config"] = new JsonObject { ["retention.ms"] = "604800000" } });
        }

        Add(OtherTenantRoot);
        Add(OtherTenantRoot + "/config");
        AddJson(OtherTenantRoot + "/config/app", new JsonObject { ["tenant"] = "other", ["note"] = "a tenant of the shared source ensemble that is not moved" });
        Add(OtherTenantRoot + "/locks");
        Add(OtherTenantRoot + "/writes");
        return nodes;
    }

    /// <summary>A Kafka-style id: 16 random bytes, URL-safe base64 without padding (22 characters).</summary>
    private static string ClusterId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
