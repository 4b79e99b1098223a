using System.Globalization;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Preflight's check of the source's security as its servers' <c>zoo.cfg</c> files say it, against the plan: what
/// the plan does not declare but the running source needs (quorum TLS, quorum SASL, SASL-only sessions, TLS-only
/// clients) is refused when the plan lacks what it takes, one line per server and cause. The plan's own
/// declarations are checked when it is loaded (<see cref="SecurityValidator"/>).
/// </summary>
/// <remarks>
/// ZooKeeper's <c>QuorumPeerConfig</c> turns an unknown <c>zoo.cfg</c> key K into the system property
/// <c>zookeeper.K</c>, so <c>sessionRequireClientSASLAuth=true</c> in the file is the 3.6+ requirement of SASL; a
/// property given only on the JVM's command line is not in the file, and then the session check of preflight (the
/// chroot read with the plan's credentials) reports the refusal instead.
/// </remarks>
internal static class SecurityPreflight
{
    /// <summary>The refusals <paramref name="zooCfg"/> of source server <paramref name="server"/> gives with <paramref name="plan"/>.</summary>
    public static IEnumerable<string> Refusals(MigrationPlan plan, ServerSpec server, string zooCfg)
    {
        var id = server.Id.ToString(CultureInfo.InvariantCulture);
        bool True(string key) => string.Equals(ZooConfig.Value(zooCfg, key)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        if (True("sslQuorum") && Missing(plan, h => h.QuorumTls is null) is { } noKeyStore)
        {
            yield return $"source server {id} runs sslQuorum=true (quorum TLS), and destination server(s) {noKeyStore} have no hostSecurity.quorumTls: they could not join its quorum";
        }

        if (True("quorum.auth.enableSasl") && Missing(plan, h => h.Jaas is null) is { } noJaas)
        {
            yield return $"source server {id} runs quorum.auth.enableSasl=true (quorum SASL), and destination server(s) {noJaas} have no hostSecurity.jaas: they could not join its quorum";
        }

        var saslRequired = True("sessionRequireClientSASLAuth") || True("zookeeper.sessionRequireClientSASLAuth")
            || string.Equals(ZooConfig.Value(zooCfg, "requireClientAuthScheme")?.Trim(), "sasl", StringComparison.OrdinalIgnoreCase);
        if (saslRequired && plan.SourceSecurity.ClientAuth?.Scheme != ClientAuthScheme.Sasl)
        {
            yield return $"source server {id} requires SASL of every session, and the plan gives source.security.clientAuth no sasl credentials: the coordinator could not read the chroot";
        }

        var secureText = ZooConfig.Value(zooCfg, "secureClientPort")?.Trim();
        var secure = int.TryParse(secureText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : (int?)null;
        if (secure is not null && ZooConfig.Value(zooCfg, "clientPort") is null && plan.SourceSecurity.ClientTls is null)
        {
            yield return $"source server {id} serves clients over TLS only (secureClientPort={secureText}, no clientPort), and the plan gives source.security.clientTls no CA";
        }

        if (secure is not null && server.SecureClientPort != secure)
        {
            yield return server.SecureClientPort is null
                ? $"source server {id} serves TLS clients on secureClientPort={secureText}, and the plan gives it no secureClientPort: the tenants' TLS clients would find none on the destination"
                : $"source server {id} has secureClientPort={secureText} in zoo.cfg, the plan says {server.SecureClientPort.Value.ToString(CultureInfo.InvariantCulture)}";
        }
    }

    /// <summary>Reads every source server's <c>zoo.cfg</c> through its agent and returns every refusal; an unreadable file is preflight's agent check's to report.</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(StepContext context, CancellationToken cancellationToken)
    {
        var reads = await Task.WhenAll(context.Plan.Source.Select(async s =>
        {
            try
            {
                var config = await context.Agent(s.Agent).ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
                return Refusals(context.Plan, s, config.Content).ToList();
            }
            catch (Agents.AgentCallException)
            {
                return [];
            }
        })).ConfigureAwait(false);
        return reads.SelectMany(r => r).ToList();
    }

    /// <summary>The ids of the destination servers whose host files <paramref name="lacks"/> says are missing, or null when none.</summary>
    private static string? Missing(MigrationPlan plan, Func<HostSecurity, bool> lacks)
    {
        var ids = plan.Destination.Where(d => lacks(d.HostSecurity)).Select(d => d.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        return ids.Count == 0 ? null : string.Join(", ", ids);
    }
}
