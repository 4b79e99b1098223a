using System.Globalization;
using System.Text.Json;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Switch;

/// <summary>
/// Reads a <see cref="KafkaTopology"/> from the znodes Kafka (ZooKeeper mode) keeps under its chroot: broker
/// registrations <c>/brokers/ids/&lt;id&gt;</c> (JSON, <c>rack</c> absent or null without <c>broker.rack</c>),
/// assignments <c>/brokers/topics/&lt;t&gt;</c> (<c>partitions</c>: partition → replica ids), partition states
/// <c>/brokers/topics/&lt;t&gt;/partitions/&lt;p&gt;/state</c> (<c>leader</c>, <c>isr</c>) and topic overrides
/// <c>/config/topics/&lt;t&gt;</c> (<c>config</c>: name → string value). The data is the tenant's: anything
/// malformed reads as the least safe value (no leader, an empty ISR, no override), never as an exception.
/// </summary>
public static class KafkaTopologyReader
{
    /// <summary>Znodes read at once: a whole cluster's partitions pipelined, without queueing other tenants behind them.</summary>
    private const int ReadsInFlight = 16;

    /// <summary>Reads the topology through <paramref name="client"/>, whose connect string carries the chroot.</summary>
    public static async Task<KafkaTopology> ReadAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(ReadsInFlight);
        var racks = new Dictionary<int, string?>();
        var epochs = new Dictionary<int, long>();
        var ids = await ChildrenAsync(client, "/brokers/ids", cancellationToken).ConfigureAwait(false);
        var registrations = await Task.WhenAll(ids.Select(async child =>
        {
            var read = int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? await ReadAsync(client, inFlight, $"/brokers/ids/{child}", cancellationToken).ConfigureAwait(false) : null;
            return (id, read);
        })).ConfigureAwait(false);
        foreach (var (id, read) in registrations)
        {
            if (read is not null)
            {
                racks[id] = Parse(read.Data) is { } json && json.TryGetProperty("rack", out var rack) && rack.ValueKind == JsonValueKind.String ? rack.GetString() : null;
                epochs[id] = read.Stat.Czxid;
            }
        }

        var topics = await ChildrenAsync(client, "/brokers/topics", cancellationToken).ConfigureAwait(false);
        var perTopic = await Task.WhenAll(topics.Select(topic => TopicAsync(client, inFlight, topic, cancellationToken))).ConfigureAwait(false);
        return new KafkaTopology(racks, perTopic.SelectMany(p => p).ToList()) { BrokerEpochs = epochs };
    }

    private static async Task<IReadOnlyList<PartitionPlacement>> TopicAsync(ZooKeeperClient client, SemaphoreSlim inFlight, string topic, CancellationToken cancellationToken)
    {
        var assignment = Parse(await DataAsync(client, inFlight, $"/brokers/topics/{topic}", cancellationToken).ConfigureAwait(false));
        int? minInsync = null;
        if (Parse(await DataAsync(client, inFlight, $"/config/topics/{topic}", cancellationToken).ConfigureAwait(false)) is { } config
            && config.TryGetProperty("config", out var overrides) && overrides.ValueKind == JsonValueKind.Object
            && overrides.TryGetProperty("min.insync.replicas", out var value) && value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1)
        {
            minInsync = parsed;
        }

        if (assignment is not { } json || !json.TryGetProperty("partitions", out var partitions) || partitions.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var placements = partitions.EnumerateObject()
            .Where(p => int.TryParse(p.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(async p =>
            {
                var state = Parse(await DataAsync(client, inFlight, $"/brokers/topics/{topic}/partitions/{p.Name}/state", cancellationToken).ConfigureAwait(false));
                var leader = state is { } s && s.TryGetProperty("leader", out var l) && l.TryGetInt32(out var id) ? id : -1;
                var isr = state is { } t && t.TryGetProperty("isr", out var i) ? Ids(i) : [];
                return new PartitionPlacement(topic, int.Parse(p.Name, CultureInfo.InvariantCulture), Ids(p.Value), leader, isr, minInsync);
            });
        return await Task.WhenAll(placements).ConfigureAwait(false);
    }

    private static List<int> Ids(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)).Select(e => e.GetInt32()).ToList() : [];

    private static async Task<IReadOnlyList<string>> ChildrenAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return [];
        }
    }

    private static async Task<byte[]?> DataAsync(ZooKeeperClient client, SemaphoreSlim inFlight, string path, CancellationToken cancellationToken) =>
        (await ReadAsync(client, inFlight, path, cancellationToken).ConfigureAwait(false))?.Data;

    private static async Task<DataResult?> ReadAsync(ZooKeeperClient client, SemaphoreSlim inFlight, string path, CancellationToken cancellationToken)
    {
        await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await client.GetDataAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return null;
        }
        finally
        {
            inFlight.Release();
        }
    }

    private static JsonElement? Parse(byte[]? data)
    {
        if (data is null || data.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
