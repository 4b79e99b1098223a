using System.Globalization;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// Refuses a plan whose security settings cannot work, each problem with the field to fix: files on the coordinator's
/// host that are missing, unreadable or open to other users; sessions that cannot reach an ensemble (TLS without
/// secure ports, SASL required and no SASL credentials); and a destination that cannot carry the source's settings
/// (quorum TLS or quorum SASL on the source and a destination host without the files for it). Messages name files and
/// users, never a password. The settings a running source has but the plan does not declare are preflight's.
/// </summary>
internal static class SecurityValidator
{
    /// <summary>Group and other permission bits: a file holding a password or a private key must have none of them.</summary>
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static void Validate(MigrationPlan plan, List<PlanProblem> problems)
    {
        Ensemble("source", plan.Source, plan.SourceSecurity, problems);
        Ensemble("destination", plan.Destination, plan.DestinationSecurity, problems);
        Carried(plan, problems);
        foreach (var (name, security) in new[] { ("source", plan.SourceSecurity), ("destination", plan.DestinationSecurity) })
        {
            if (plan.Strategy == MigrationStrategy.Copy && security.ClientAuth is { Scheme: ClientAuthScheme.Digest })
            {
                // The copy, the mirror and the diff open their own sessions, which take TLS and SASL from the plan but not
                // a digest login: refused here rather than failing half-way through the copy.
                problems.Add(new($"{name}.security.clientAuth.scheme", "digest is not supported with strategy: copy (its copy, mirror and diff sessions log in with SASL only); use scheme sasl"));
            }
        }
    }

    /// <summary>What one ensemble's own sessions need.</summary>
    private static void Ensemble(string name, IReadOnlyList<ServerSpec> servers, EnsembleSecurity security, List<PlanProblem> problems)
    {
        var at = name + ".security";
        if (security.ClientTls is { } tls)
        {
            File(tls.Ca, $"{at}.clientTls.ca", secret: false, problems);
            if ((tls.Certificate is null) != (tls.Key is null))
            {
                problems.Add(new($"{at}.clientTls", "certificate and key go together (a client certificate needs its key)"));
            }

            if (tls.Certificate is not null)
            {
                File(tls.Certificate, $"{at}.clientTls.certificate", secret: false, problems);
            }

            if (tls.Key is not null)
            {
                File(tls.Key, $"{at}.clientTls.key", secret: true, problems);
            }

            foreach (var (server, i) in servers.Select((s, i) => (s, i)).Where(x => x.s.SecureClientPort is null))
            {
                problems.Add(new($"{name}.servers[{i}].secureClientPort", $"is required: {at}.clientTls makes the coordinator's sessions use TLS, on each server's secure client port"));
            }
        }

        if (security.ClientAuth is { } auth && File(auth.Credentials, $"{at}.clientAuth.credentials", secret: true, problems))
        {
            try
            {
                var credentials = ZooKeeperSaslCredentials.FromFile(auth.Credentials);
                if (credentials.Mechanism == ZooKeeperSaslMechanism.Gssapi)
                {
                    if (auth.Scheme == ClientAuthScheme.Digest)
                    {
                        problems.Add(new($"{at}.clientAuth.scheme", $"must be sasl: {auth.Credentials} gives {credentials}, and addauth digest needs a user and a password"));
                    }

                    File(credentials.KeyTabFile!, $"{at}.clientAuth.credentials", secret: true, problems);
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                problems.Add(new($"{at}.clientAuth.credentials", e.Message));
            }
        }

        if (security.RequireClientSasl && security.ClientAuth?.Scheme != ClientAuthScheme.Sasl)
        {
            problems.Add(new($"{at}.clientAuth", $"the {name} closes every session without SASL (requireClientSasl: true), and the plan gives the coordinator no sasl credentials there"
                + (security.ClientAuth is null ? "" : " (digest addauth comes after the session is made, too late)")));
        }
    }

    /// <summary>What the destination needs to carry the source's settings (the agent renders them with each host's files).</summary>
    private static void Carried(MigrationPlan plan, List<PlanProblem> problems)
    {
        var source = plan.SourceSecurity;
        var sslQuorum = source.SslQuorum || plan.DestinationSecurity.SslQuorum;
        var quorumSasl = source.QuorumSasl || plan.DestinationSecurity.QuorumSasl;
        var saslServer = source.RequireClientSasl || plan.DestinationSecurity.RequireClientSasl;
        var secureClients = plan.Source.FirstOrDefault(s => s.SecureClientPort is not null);
        foreach (var (server, i) in plan.Destination.Select((d, i) => (d, i)))
        {
            var at = $"destination.servers[{i}]";
            var files = server.HostSecurity;
            if (sslQuorum && files.QuorumTls is null)
            {
                problems.Add(new($"{at}.hostSecurity.quorumTls", "is required: the quorum runs TLS (sslQuorum: true), and this node joins it; give its key store and trust store"));
            }

            if (quorumSasl && files.Jaas is null)
            {
                problems.Add(new($"{at}.hostSecurity.jaas", "is required: the quorum authenticates its servers with SASL (quorumSasl: true); give this host's JAAS file (QuorumServer, QuorumLearner)"));
            }
            else if (saslServer && files.Jaas is null)
            {
                problems.Add(new($"{at}.hostSecurity.jaas", "is required: the destination serves the source's SASL clients (requireClientSasl: true); give this host's JAAS file (Server section)"));
            }

            if (secureClients is not null && server.SecureClientPort is null)
            {
                problems.Add(new($"{at}.secureClientPort", $"is required: the source serves TLS clients (source server {secureClients.Id.ToString(CultureInfo.InvariantCulture)} has a secureClientPort), and the tenants move here"));
            }

            if (server.SecureClientPort is not null && files.ClientTls is null)
            {
                problems.Add(new($"{at}.hostSecurity.clientTls", "is required: this node serves a secureClientPort; give its key store and trust store"));
            }
            else if (server.SecureClientPort is null && files.ClientTls is not null)
            {
                problems.Add(new($"{at}.secureClientPort", "is required: hostSecurity.clientTls is for the secure client port"));
            }
        }

        if (source.RequireClientSasl && !plan.DestinationSecurity.RequireClientSasl)
        {
            problems.Add(new("destination.security.requireClientSasl", "must be true: the destination carries the source's requirement of SASL (source.security.requireClientSasl)"));
        }

        if (source.SslQuorum && !plan.DestinationSecurity.SslQuorum)
        {
            problems.Add(new("destination.security.sslQuorum", "must be true: the destination nodes join the source's TLS quorum and keep it (source.security.sslQuorum)"));
        }
    }

    /// <summary>
    /// Records why <paramref name="path"/> cannot be used: missing, not a file, unreadable, or (a <paramref name="secret"/>)
    /// open to group or others. True when it can be read.
    /// </summary>
    private static bool File(string path, string field, bool secret, List<PlanProblem> problems)
    {
        if (Directory.Exists(path))
        {
            problems.Add(new(field, $"{path} is a directory, not a file"));
            return false;
        }

        if (!System.IO.File.Exists(path))
        {
            problems.Add(new(field, $"file {path} does not exist"));
            return false;
        }

        try
        {
            using var stream = System.IO.File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new(field, $"file {path} cannot be read: {e.Message}"));
            return false;
        }

        if (secret && !OperatingSystem.IsWindows() && (System.IO.File.GetUnixFileMode(path) & GroupOrOther) is var open && open != 0)
        {
            var mode = Convert.ToString((int)System.IO.File.GetUnixFileMode(path), 8).PadLeft(4, '0');
            problems.Add(new(field, $"file {path} is open to group or others (mode {mode}); it holds a secret: chmod 600 it"));
            return false;
        }

        return true;
    }
}
