using System.Globalization;
using System.Text;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Security;

namespace ZkMitosis.Lab.Plans;

/// <summary>
/// Writes the lab's ready-to-run migration plan (docs/plan-format.md): the source and destination servers with
/// their agents, the broker stand-ins' agents, the chroot, the lab's TLS material, and timeouts sized for a
/// loaded 2-core machine.
/// </summary>
public static class LabPlanWriter
{
    public const string FileName = "plan.yaml";

    public static string Render(LabManifest manifest, string strategy = "observer")
    {
        var text = new StringBuilder()
            .Append("# Migration plan for lab '").Append(manifest.Name).Append("', written by zkmitosis lab up.\n")
            .Append("# Brokers on this lab are Kafka broker STAND-INs.\n")
            .Append("planId: lab-").Append(manifest.Name).Append('\n')
            .Append("chroot: ").Append(manifest.Chroot).Append('\n')
            .Append("strategy: ").Append(strategy).Append('\n');
        AppendServers(text, manifest, "source", manifest.HostsWithRole(LabHostRole.Source));
        AppendServers(text, manifest, "destination", manifest.HostsWithRole(LabHostRole.Destination));
        text.Append("kafka:\n  brokers:\n");
        var brokers = manifest.HostsWithRole(LabHostRole.Broker).ToList();
        if (brokers.Count == 0)
        {
            text.Length -= "  brokers:\n".Length;
            text.Append("  brokers: []\n");
        }

        foreach (var broker in brokers)
        {
            text.Append(CultureInfo.InvariantCulture, $"    - id: {broker.BrokerId}\n");
            text.Append("      agent: ").Append(Quoted(broker.ConfiguredAgentEndpoint ?? "none")).Append('\n');
        }

        AppendTenantProducts(text, manifest);
        text.Append("tls:\n")
            .Append("  ca: ").Append(manifest.CaCertificatePath ?? "none").Append('\n')
            .Append("  certificate: ").Append(manifest.CoordinatorCertificatePath ?? "none").Append('\n')
            .Append("  key: ").Append(manifest.CoordinatorKeyPath ?? "none").Append('\n')
            .Append("  insecure: ").Append(manifest.AgentsInsecure ? "true" : "false").Append('\n')
            .Append("timeouts:\n")
            .Append("  agentCall: 30s\n")
            .Append("  serverStart: 90s\n")
            .Append("  catchUp: 120s\n")
            .Append("  brokerRegistration: 90s\n")
            .Append("  election: 120s\n")
            .Append("intervals:\n")
            .Append("  poll: 200ms\n")
            .Append("  brokerRestartPause: 2s\n");
        return text.ToString();
    }

    /// <summary>Writes <c>plan.yaml</c> in the lab directory and returns its path.</summary>
    public static string Write(LabManifest manifest)
    {
        var path = Path.Combine(manifest.Directory, FileName);
        File.WriteAllText(path, Render(manifest));
        return path;
    }

    /// <summary>The non-Kafka tenants (<c>tenants:</c>), each on its preset, in the lab's order; <c>moves: false</c> for those that stay.</summary>
    private static void AppendTenantProducts(StringBuilder text, LabManifest manifest)
    {
        var groups = manifest.HostsWithRole(LabHostRole.TenantProduct).GroupBy(h => h.Product!).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        text.Append("# Solr, HBase and ClickHouse hosts on this lab run the tenant-host STAND-IN in that product's mode.\n");
        text.Append("tenants:\n");
        foreach (var group in groups)
        {
            var product = group.First().TenantProduct!;
            text.Append("  - name: ").Append(product.Name).Append('\n')
                .Append("    preset: ").Append(product.Preset).Append('\n')
                .Append("    chroot: ").Append(product.Chroot).Append('\n')
                .Append("    moves: ").Append(manifest.StayingTenants.Contains(product.Name) ? "false" : "true").Append('\n')
                .Append("    hosts:\n");
            foreach (var host in group)
            {
                text.Append("      - agent: ").Append(Quoted(host.ConfiguredAgentEndpoint ?? "none")).Append('\n');
            }

            if (product.HealthPath is { } path)
            {
                text.Append("    health:\n      path: ").Append(path).Append('\n');
            }
        }
    }

    /// <summary>A YAML double-quoted scalar: an IPv6 agent address starts with '[', which plain YAML reads as a list.</summary>
    private static string Quoted(string value) => "\"" + value + "\"";

    private static void AppendServers(StringBuilder text, LabManifest manifest, string section, IEnumerable<LabHost> hosts)
    {
        text.Append(section).Append(":\n");
        if (manifest.Secure)
        {
            // The coordinator's sessions: TLS with its own certificate, SASL as the tenant's owner (Kafka's ACLs let no
            // one else read /config/users), no super user.
            text.Append("  security:\n")
                .Append("    clientTls: { ca: ").Append(Quoted(LabSecurity.CaFile(manifest)))
                .Append(", certificate: ").Append(Quoted(LabSecurity.CoordinatorCertificate(manifest)))
                .Append(", key: ").Append(Quoted(LabSecurity.CoordinatorKey(manifest))).Append(" }\n")
                .Append("    clientAuth: { scheme: sasl, credentials: ").Append(Quoted(LabSecurity.CoordinatorCredentials(manifest))).Append(" }\n")
                .Append("    sslQuorum: true\n")
                .Append("    requireClientSasl: true\n");
        }

        text.Append("  servers:\n");
        foreach (var host in hosts)
        {
            text.Append(CultureInfo.InvariantCulture, $"    - id: {host.ServerId}\n")
                .Append("      host: ").Append(host.ConfigHost).Append('\n')
                .Append(CultureInfo.InvariantCulture, $"      clientPort: {host.ClientPort}\n")
                .Append(CultureInfo.InvariantCulture, $"      quorumPort: {host.QuorumPort}\n")
                .Append(CultureInfo.InvariantCulture, $"      electionPort: {host.ElectionPort}\n")
                .Append("      agent: ").Append(Quoted(host.ConfiguredAgentEndpoint ?? "none")).Append('\n');
            if (host.SecureClientPort > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"      secureClientPort: {host.SecureClientPort}\n");
            }

            if (host.SecureClientPort > 0 && host.Role == LabHostRole.Destination)
            {
                var stores = $"{{ keyStore: {Quoted(LabSecurity.KeyStore(host))}, trustStore: {Quoted(LabSecurity.TrustStore(host))}, type: PEM }}";
                text.Append("      hostSecurity:\n")
                    .Append("        clientTls: ").Append(stores).Append('\n')
                    .Append("        quorumTls: ").Append(stores).Append('\n')
                    .Append("        jaas: ").Append(Quoted(LabSecurity.Jaas(host))).Append('\n');
            }
        }
    }
}
