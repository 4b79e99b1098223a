using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Security;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab.Hosts;

/// <summary>A host's agent TLS material (PEM paths), or none for an insecure rehearsal agent.</summary>
public sealed record AgentTlsFiles(string CertificatePath, string KeyPath, string ClientCaPath);

/// <summary>
/// A lab host's <c>etc/zkmitosis/agent.json</c> (the agent's own configuration format, command service backend
/// pointing at the lab's service script) and <c>etc/default/zkmitosis-agent</c> (how the lab runs the agent).
/// </summary>
public static class AgentHostFiles
{
    public const int MonitoringPort = 7444;

    public static JsonObject Render(LabHost host, LabBinaries binaries, AgentTlsFiles? tls)
    {
        var layout = host.Layout;
        var isZooKeeper = host.IsZooKeeperHost;
        var product = host.TenantProduct;
        var service = isZooKeeper ? HostLayout.ZooKeeperService : product?.Name ?? HostLayout.KafkaService;
        string Command(string action) => string.Join(' ', new[] { binaries.ServiceScript, action, service, host.Directory }.Select(ServiceEnvironment.Quote));
        var commands = new JsonObject
        {
            ["start"] = Command("start"),
            ["stop"] = Command("stop"),
            ["kill"] = Command("kill"),
            ["status"] = Command("status"),
            ["pidFile"] = layout.PidFile(service),
        };
        var config = new JsonObject
        {
            ["role"] = isZooKeeper ? "zookeeper" : "kafka",
            ["hostName"] = host.Name,
            // Every name a plan may give this host: the agent resets a data dir only for a host its lease names.
            ["addresses"] = host.DnsName is null ? new JsonArray(host.Address, host.Name) : new JsonArray(host.Address, host.Name, host.DnsName),
            ["listenAddress"] = ZooKeeperHostFiles.Wildcard(host),
            ["listenPort"] = host.AgentPort,
            // The host's lab address, not loopback: a Prometheus (or a test) on the machine scrapes /metrics across the
            // lab network as it would across a real one; the lab network is this machine's alone.
            ["monitoringAddress"] = host.Address,
            ["monitoringPort"] = MonitoringPort,
            ["stateDirectory"] = layout.AgentStateDirectory,
            ["insecure"] = tls is null,
            ["zooKeeper"] = new JsonObject
            {
                ["configPath"] = layout.ZooCfg,
                ["dataDir"] = layout.ZooKeeperDataDirectory,
                ["clientHost"] = "127.0.0.1",
                ["clientPort"] = host.ClientPort,
                ["adminServerUrl"] = $"http://127.0.0.1:{ZooKeeperHostFiles.AdminServerPort}",
                // The service environment holds the JVM command: where the agent reads jute.maxbuffer while ZooKeeper is stopped.
                ["jvmOptionsFile"] = layout.ServiceEnvironment(HostLayout.ZooKeeperService),
            },
            ["kafka"] = new JsonObject { ["serverPropertiesPath"] = layout.ServerProperties },
            ["service"] = new JsonObject
            {
                ["backend"] = "command",
                [isZooKeeper ? "zooKeeperCommands" : "kafkaCommands"] = commands,
                ["commandTimeoutMs"] = 60000,
            },
            ["firewall"] = new JsonObject { ["backend"] = "iptables" },
        };
        if (isZooKeeper && host.SecureClientPort > 0)
        {
            // A secured lab: the host's own stores and JAAS file, what its zoo.cfg names when the agent carries the
            // source's security settings into it (the same files serve the client port and the quorum).
            ((JsonObject)config["zooKeeper"]!)["security"] = new JsonObject
            {
                ["keyStore"] = LabSecurity.KeyStore(host),
                ["keyStoreType"] = "PEM",
                ["trustStore"] = LabSecurity.TrustStore(host),
                ["trustStoreType"] = "PEM",
                ["jaasFile"] = LabSecurity.Jaas(host),
            };
        }

        if (product is not null)
        {
            // A non-Kafka tenant host: the agent edits the product's file by id, and restarts the product's stand-in.
            config["tenantConfigFiles"] = new JsonObject { [product.ConfigId] = layout.ProductConfig(product) };
        }

        if (tls is not null)
        {
            config["tls"] = new JsonObject
            {
                ["certificatePath"] = tls.CertificatePath,
                ["keyPath"] = tls.KeyPath,
                ["clientCaPath"] = tls.ClientCaPath,
            };
        }

        return config;
    }

    public static void Write(LabHost host, LabBinaries binaries, AgentTlsFiles? tls)
    {
        var layout = host.Layout;
        layout.Create();
        File.WriteAllText(layout.AgentConfig, Render(host, binaries, tls).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        ServiceEnvironment.Write(
            layout.ServiceEnvironment(HostLayout.AgentService),
            [.. binaries.AgentCommand(), "--config", layout.AgentConfig],
            match: layout.AgentConfig,
            logFile: layout.LogFile(HostLayout.AgentService),
            stopGraceSeconds: 5);
    }
}
