using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMitosis.KafkaStandIn;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Lab.Populate;

/// <summary>
/// Fills a fresh source ensemble with what it holds in production: Kafka's tree under the chroot (cluster id,
/// controller epoch, broker and topic registrations with partition state, seqid, admin, config, notification
/// parents) and another tenant's tree under <c>/other</c>. One atomic multi, so a half-populated source never exists.
/// On a secured ensemble every znode gets the ACL a broker with <c>zookeeper.set.acl=true</c> gives it
/// (<see cref="KafkaZnodeAcls"/>), and a SCRAM credential (<see cref="ScramUser"/>) shows a node only its creator reads.
/// </summary>
public static class LabPopulator
{
    public const string OtherTenantRoot = "/other";

    /// <summary>The user whose SCRAM credential a secured source holds at <c>/config/users/USER</c> under the chroot.</summary>
    public const string ScramUser = "alice";

    /// <summary>
    /// Creates the tree (see <see cref="Operations"/>) on the ensemble at <paramref name="connectString"/> (no chroot).
    /// With <paramref name="security"/> (TLS and/or SASL; null or <see cref="ZooKeeperSecurity.None"/>: plain, every node
    /// world-writable) the session uses it and every node gets <see cref="KafkaZnodeAcls.For"/>'s secure ACL by its path
    /// under <paramref name="chroot"/> (the other tenant's tree and the chroot's parents stay open); the session then needs an identity (SASL, or a TLS client certificate), or the
    /// server refuses the multi with InvalidACL.
    /// </summary>
    /// <param name="connectString">The source ensemble's hosts, without a chroot.</param>
    /// <param name="chroot">Kafka's chroot, e.g. <c>/kafka</c>; created with its parents.</param>
    /// <param name="topics">Number of topics.</param>
    /// <param name="partitionsPerTopic">Partitions of each topic.</param>
    /// <param name="brokers">Broker ids 1..N the replicas are spread over.</param>
    /// <param name="cancellationToken">Cancels the connect and the multi.</param>
    /// <param name="security">How to reach a secured ensemble; null (default): plain.</param>
    /// <exception cref="KeeperException">The multi failed (NodeExists on a populated source, InvalidACL without an identity).</exception>
    public static async Task PopulateAsync(string connectString, string chroot, int topics, int partitionsPerTopic, int brokers, CancellationToken cancellationToken, ZooKeeperSecurity? security = null)
    {
        var secure = security is { IsNone: false };
        var options = new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(20), Tls = security?.Tls, Sasl = security?.Sasl };
        await using var client = await ZooKeeperClient.ConnectAsync(connectString, options, cancellationToken).ConfigureAwait(false);
        var root = chroot.TrimEnd('/');
        // Without security the ACL stays the client's default (OPEN_ACL_UNSAFE), so the plain tree is as before.
        var ops = Operations(chroot, topics, partitionsPerTopic, brokers, secure)
            .Select(node => Op.Create(node.Path, node.Data, acl: secure && IsKafkas(node.Path, root) ? KafkaZnodeAcls.For(UnderChroot(node.Path, root), secure: true) : null))
            .ToList();
        (await client.MultiAsync(ops, cancellationToken).ConfigureAwait(false)).EnsureCommitted();
        await client.CloseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The nodes to create, parents first; <paramref name="secure"/> adds <see cref="ScramUser"/>'s SCRAM credential.</summary>
    public static IReadOnlyList<(string Path, byte[] Data)> Operations(string chroot, int topics, int partitionsPerTopic, int brokers, bool secure = false)
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

        if (secure)
        {
            AddJson(root + "/config/users/" + ScramUser, new JsonObject
            {
                ["version"] = 1,
                ["config"] = new JsonObject { ["SCRAM-SHA-256"] = ScramCredential() },
            });
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

    /// <summary>
    /// True for the chroot and what is under it: Kafka's nodes, which take Kafka's ACLs. The chroot's parents and the
    /// other tenant's tree are not Kafka's and stay open (the other tenant's writer, another SASL user, writes there).
    /// </summary>
    private static bool IsKafkas(string path, string root) =>
        root.Length == 0 || path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="path"/> as Kafka names it: relative to the chroot <paramref name="root"/>. Nodes outside it (the
    /// chroot's parents, the other tenant) are not Kafka's and keep their absolute path, which is never sensitive.
    /// </summary>
    private static string UnderChroot(string path, string root) =>
        root.Length > 0 && path.StartsWith(root + "/", StringComparison.Ordinal) ? path[root.Length..] : path;

    /// <summary>
    /// A SCRAM-SHA-256 credential as Kafka's <c>ScramCredentialUtils</c> stores it (RFC 5802: salted password by
    /// PBKDF2, stored key = H(HMAC(salted, "Client Key")), server key = HMAC(salted, "Server Key")), of a random
    /// password nobody knows: the lab needs the node's shape and ACL, not a login.
    /// </summary>
    private static string ScramCredential()
    {
        const int iterations = 4096;
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(RandomNumberGenerator.GetBytes(16), salt, iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return string.Create(CultureInfo.InvariantCulture,
            $"salt={Convert.ToBase64String(salt)},stored_key={Convert.ToBase64String(storedKey)},server_key={Convert.ToBase64String(serverKey)},iterations={iterations}");
    }

    /// <summary>A Kafka-style id: 16 random bytes, URL-safe base64 without padding (22 characters).</summary>
    private static string ClusterId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
