namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// Reads the security sections of a plan (docs/plan-format.md "Security"): an ensemble's <c>security</c> and a
/// destination server's <c>hostSecurity</c>. Shape only; what cannot work together is <see cref="SecurityValidator"/>'s.
/// </summary>
internal static class SecurityLoader
{
    /// <summary><c>&lt;ensemble&gt;.security</c>, or <see cref="EnsembleSecurity.None"/> when absent.</summary>
    public static EnsembleSecurity Ensemble(YamlFields ensemble)
    {
        var section = ensemble.Mapping("security", required: false);
        if (section is null)
        {
            return EnsembleSecurity.None;
        }

        var result = new EnsembleSecurity
        {
            ClientTls = ClientTls(section),
            ClientAuth = ClientAuth(section),
            SslQuorum = section.Bool("sslQuorum") ?? false,
            QuorumSasl = section.Bool("quorumSasl") ?? false,
            RequireClientSasl = section.Bool("requireClientSasl") ?? false,
        };
        section.RejectUnknown();
        return result;
    }

    /// <summary><c>destination.servers[i].hostSecurity</c>, or <see cref="HostSecurity.None"/> when absent.</summary>
    public static HostSecurity Host(YamlFields server)
    {
        var section = server.Mapping("hostSecurity", required: false);
        if (section is null)
        {
            return HostSecurity.None;
        }

        var result = new HostSecurity(Stores(section, "clientTls"), Stores(section, "quorumTls"), HostPath(section, "jaas", required: false));
        section.RejectUnknown();
        return result;
    }

    private static ClientTlsSpec? ClientTls(YamlFields security)
    {
        var section = security.Mapping("clientTls", required: false);
        if (section is null)
        {
            return null;
        }

        var ca = section.String("ca", required: true);
        var certificate = section.String("certificate", required: false);
        var key = section.String("key", required: false);
        var verification = section.Bool("hostnameVerification") ?? true;
        section.RejectUnknown();
        return ca is null ? null : new ClientTlsSpec(ca, certificate, key, verification);
    }

    private static ClientAuthSpec? ClientAuth(YamlFields security)
    {
        var section = security.Mapping("clientAuth", required: false);
        if (section is null)
        {
            return null;
        }

        var schemeText = section.String("scheme", required: true);
        var credentials = section.String("credentials", required: true);
        section.RejectUnknown();
        ClientAuthScheme? scheme = schemeText switch
        {
            "sasl" => ClientAuthScheme.Sasl,
            "digest" => ClientAuthScheme.Digest,
            null => null,
            _ => null,
        };
        if (schemeText is not null && scheme is null)
        {
            section.Problem("scheme", $"must be sasl (SASL DIGEST-MD5) or digest (addauth digest), not {PlanProblem.Quote(schemeText)}");
        }

        return scheme is null || credentials is null ? null : new ClientAuthSpec(scheme.Value, credentials);
    }

    private static TlsStoreSpec? Stores(YamlFields host, string name)
    {
        var section = host.Mapping(name, required: false);
        if (section is null)
        {
            return null;
        }

        var keyStore = HostPath(section, "keyStore", required: true);
        var trustStore = HostPath(section, "trustStore", required: true);
        var type = section.String("type", required: false);
        var passwordFile = HostPath(section, "passwordFile", required: false);
        section.RejectUnknown();
        if (type is not null and not ("PEM" or "JKS" or "PKCS12"))
        {
            section.Problem("type", $"must be PEM, JKS or PKCS12, not {PlanProblem.Quote(type)}");
            return null;
        }

        if (type is "JKS" or "PKCS12" && passwordFile is null)
        {
            section.Problem("passwordFile", $"is required: a {type} store is opened with a password");
        }

        return keyStore is null || trustStore is null ? null : new TlsStoreSpec(keyStore, trustStore, type, passwordFile);
    }

    /// <summary>A path on a destination host: absolute, no <c>.</c> or <c>..</c> part, no control character.</summary>
    private static string? HostPath(YamlFields section, string name, bool required)
    {
        var path = section.String(name, required);
        if (path is null)
        {
            return null;
        }

        if (!path.StartsWith('/') || path.EndsWith('/') || path.Any(char.IsControl)
            || path.Split('/').Skip(1).Any(part => part is "" or "." or ".."))
        {
            section.Problem(name, $"must be an absolute file path on the host (no '.', '..' or '//'), not {PlanProblem.Quote(path)}");
            return null;
        }

        return path;
    }
}
