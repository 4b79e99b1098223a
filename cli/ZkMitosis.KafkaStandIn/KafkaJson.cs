using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZkMitosis.KafkaStandIn;

/// <summary>The JSON a ZooKeeper-mode Kafka broker writes: broker registration, controller, partition state.</summary>
internal static class KafkaJson
{
    /// <summary>
    /// <c>/brokers/ids/&lt;id&gt;</c>, version 5 as Kafka 2.x–3.x write it; <c>rack</c> only when the broker has a
    /// <c>broker.rack</c> (Kafka's BrokerIdZNode adds the field only then).
    /// </summary>
    public static byte[] BrokerRegistration(IReadOnlyList<BrokerEndpoint> endpoints, DateTimeOffset now, string? rack = null)
    {
        var first = endpoints[0];
        var protocols = new JsonObject();
        foreach (var endpoint in endpoints)
        {
            protocols[endpoint.ListenerName] = endpoint.ListenerName;
        }

        var json = new JsonObject
        {
            ["listener_security_protocol_map"] = protocols,
            ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)JsonValue.Create(e.ToString())!).ToArray()),
            ["jmx_port"] = -1,
            ["features"] = new JsonObject(),
            ["host"] = first.Host,
            ["timestamp"] = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["port"] = first.Port,
            ["version"] = 5,
        };
        if (rack is not null)
        {
            json["rack"] = rack;
        }

        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    /// <summary><c>/controller</c>: <c>{"version":1,"brokerid":N,"timestamp":"…"}</c>.</summary>
    public static byte[] Controller(int brokerId, DateTimeOffset now) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["version"] = 1,
            ["brokerid"] = brokerId,
            ["timestamp"] = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });

    public static int ControllerBrokerId(byte[] data) =>
        JsonNode.Parse(data)?["brokerid"]?.GetValue<int>() ?? throw new FormatException("/controller has no brokerid");

    /// <summary>A partition's <c>state</c> node.</summary>
    public sealed record PartitionState(int ControllerEpoch, int Leader, int LeaderEpoch, IReadOnlyList<int> Isr)
    {
        public byte[] ToBytes() =>
            JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["controller_epoch"] = ControllerEpoch,
                ["leader"] = Leader,
                ["version"] = 1,
                ["leader_epoch"] = LeaderEpoch,
                ["isr"] = new JsonArray(Isr.Select(i => (JsonNode)JsonValue.Create(i)).ToArray()),
            });

        public static PartitionState Parse(byte[] data)
        {
            var node = JsonNode.Parse(data) ?? throw new FormatException("empty partition state");
            return new PartitionState(
                node["controller_epoch"]?.GetValue<int>() ?? 0,
                node["leader"]?.GetValue<int>() ?? -1,
                node["leader_epoch"]?.GetValue<int>() ?? 0,
                node["isr"]?.AsArray().Select(i => i!.GetValue<int>()).ToList() ?? []);
        }
    }

    /// <summary>A topic's assignment from <c>/brokers/topics/&lt;t&gt;</c>: partition → replicas.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<int>> TopicAssignment(byte[] data)
    {
        var partitions = JsonNode.Parse(data)?["partitions"]?.AsObject() ?? throw new FormatException("topic node has no partitions");
        return partitions.ToDictionary(
            p => int.Parse(p.Key, CultureInfo.InvariantCulture),
            p => (IReadOnlyList<int>)p.Value!.AsArray().Select(r => r!.GetValue<int>()).ToList());
    }

    /// <summary>The serial-numbered notification a broker writes, shaped like an ISR change notification.</summary>
    public static byte[] Notification(int brokerId, long serial) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["version"] = 1,
            ["partitions"] = new JsonArray(),
            ["broker"] = brokerId,
            ["serial"] = serial,
        });
}
