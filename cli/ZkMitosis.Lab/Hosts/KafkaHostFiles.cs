using System.Globalization;
using System.Text;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Security;
using ZkMitosis.Lab.Services;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Lab.Hosts;

/// <summary>
/// A broker host's files: <c>etc/kafka/server.properties</c> as a ZooKeeper-mode Kafka broker has it, and
/// <c>etc/default/kafka</c>, which runs the Kafka broker STAND-IN (no Kafka broker can be installed here).
/// </summary>
public static class KafkaHostFiles
{
    public const int ListenerPort = 9092;

    /// <summary>
    /// The host's <c>server.properties</c>; <paramref name="rack"/> becomes <c>broker.rack</c> when given; with
    /// <paramref name="secure"/>, Kafka's TLS and ACL settings for a secured ZooKeeper (<see cref="LabSecurity.KafkaProperties"/>).
    /// </summary>
    public static string RenderServerProperties(LabHost host, string zookeeperConnect, int sessionTimeoutMs, string? rack = null, bool secure = false)
    {
        var brokerId = host.BrokerId ?? throw new LabException($"{host.Name} is not a broker host");
        var text = new StringBuilder()
            .Append("# Kafka broker configuration, written by zkmitosis lab. This host runs the Kafka broker STAND-IN.\n")
            .Append(CultureInfo.InvariantCulture, $"broker.id={brokerId}\n")
            .Append(CultureInfo.InvariantCulture, $"listeners=PLAINTEXT://{new HostEndpoint(host.Address, ListenerPort)}\n")
            .Append(CultureInfo.InvariantCulture, $"advertised.listeners=PLAINTEXT://{new HostEndpoint(host.Address, ListenerPort)}\n")
            .Append("log.dirs=").Append(Path.Combine(host.Directory, "var", "lib", "kafka", "data")).Append('\n')
            .Append("num.partitions=4\n")
            .Append("default.replication.factor=3\n")
            .Append("zookeeper.connect=").Append(zookeeperConnect).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"zookeeper.session.timeout.ms={sessionTimeoutMs}\n")
            .Append(CultureInfo.InvariantCulture, $"zookeeper.connection.timeout.ms={sessionTimeoutMs}\n");
        if (rack is not null)
        {
            text.Append("broker.rack=").Append(rack).Append('\n');
        }

        if (secure)
        {
            text.Append(LabSecurity.KafkaProperties(host));
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes the host's <c>server.properties</c> and the service's command (<paramref name="writeIntervalMs"/>: the
    /// stand-in's <c>--write-interval-ms</c>; with <paramref name="secure"/>, its <c>--jaas</c>, as Kafka's
    /// <c>java.security.auth.login.config</c>).
    /// </summary>
    public static void Write(LabHost host, string zookeeperConnect, int sessionTimeoutMs, LabBinaries binaries, string? rack = null, int writeIntervalMs = 200, bool secure = false)
    {
        var layout = host.Layout;
        layout.Create();
        File.WriteAllText(layout.ServerProperties, RenderServerProperties(host, zookeeperConnect, sessionTimeoutMs, rack, secure));
        string[] jaas = secure ? ["--jaas", LabSecurity.Jaas(host)] : [];
        ServiceEnvironment.Write(
            layout.ServiceEnvironment(HostLayout.KafkaService),
            [.. binaries.StandInCommand(), "--config", layout.ServerProperties, "--state", layout.StandInState, "--write-interval-ms", writeIntervalMs.ToString(CultureInfo.InvariantCulture), .. jaas],
            match: layout.ServerProperties,
            logFile: layout.LogFile(HostLayout.KafkaService));
    }
}
