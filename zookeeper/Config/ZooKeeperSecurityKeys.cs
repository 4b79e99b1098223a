namespace ZkMitosis.ZooKeeper.Config;

/// <summary>What a security key of zoo.cfg holds, as far as moving it to another host is concerned.</summary>
public enum SecurityKeyKind
{
    /// <summary>A setting that means the same on every host (a port, a flag, a class name, a protocol list).</summary>
    Setting,

    /// <summary>The host's own key store file (<c>ssl.keyStore.location</c>, <c>ssl.quorum.keyStore.location</c>).</summary>
    KeyStoreLocation,

    /// <summary>The host's own trust store file.</summary>
    TrustStoreLocation,

    /// <summary>A key store's format (<c>PEM</c>, <c>JKS</c>, <c>PKCS12</c>): follows the host's own file.</summary>
    KeyStoreType,

    /// <summary>A trust store's format.</summary>
    TrustStoreType,

    /// <summary>A file holding the key store's password (<c>ssl.keyStore.passwordPath</c>, ZooKeeper 3.8+).</summary>
    KeyStorePasswordPath,

    /// <summary>A file holding the trust store's password.</summary>
    TrustStorePasswordPath,

    /// <summary>An inline password (<c>ssl.keyStore.password</c>, <c>ssl.trustStore.password</c>): a secret, never shown.</summary>
    Password,
}

/// <summary>
/// The one place that knows which zoo.cfg keys carry a ZooKeeper server's security settings, which of them name files
/// of the host they are on (key and trust stores, their password files) and which are secrets. ZooKeeper 3.8 reads them
/// from zoo.cfg: the ones <c>QuorumPeerConfig.parseProperties</c> knows (<c>secureClientPort</c>, <c>sslQuorum</c>,
/// <c>quorum.auth.*</c>, …) directly, every other key as the system property <c>zookeeper.&lt;key&gt;</c> (so
/// <c>ssl.quorum.keyStore.location</c> is <c>QuorumX509Util</c>'s <c>zookeeper.ssl.quorum.keyStore.location</c> and
/// <c>authProvider.1</c> is <c>zookeeper.authProvider.1</c>). Only the JAAS file
/// (<c>java.security.auth.login.config</c>) has no zoo.cfg form.
/// </summary>
public static class ZooKeeperSecurityKeys
{
    /// <summary>What <see cref="Mask"/> shows instead of a password.</summary>
    public const string MaskedValue = "********";

    /// <summary>The two TLS prefixes: the client port's (<c>X509Util</c>'s <c>ssl.</c>) and the quorum's (<c>ssl.quorum.</c>).</summary>
    public static readonly IReadOnlyList<string> TlsPrefixes = ["ssl.", "ssl.quorum."];

    private static readonly HashSet<string> Exact = new(StringComparer.Ordinal)
    {
        "serverCnxnFactory", "secureClientPort", "secureClientPortAddress", "sslQuorum", "portUnification", "client.portUnification",
        "sslQuorumReloadCertFiles", "sessionRequireClientSASLAuth", "requireClientAuthScheme", "enforce.auth.enabled", "enforce.auth.schemes",
        "kerberos.removeHostFromPrincipal", "kerberos.removeRealmFromPrincipal", "superUser", "X509AuthenticationProvider.superUser",
    };

    private static readonly string[] Prefixes = ["ssl.", "authProvider.", "quorum.auth."];

    /// <summary>True when <paramref name="key"/> is a security setting of a ZooKeeper server.</summary>
    public static bool IsSecurityKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Exact.Contains(key) || Prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));
    }

    /// <summary>What <paramref name="key"/> holds (<see cref="SecurityKeyKind.Setting"/> for a key that is not a store's).</summary>
    public static SecurityKeyKind KindOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var prefix in TlsPrefixes)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            switch (key[prefix.Length..])
            {
                case "keyStore.location":
                    return SecurityKeyKind.KeyStoreLocation;
                case "trustStore.location":
                    return SecurityKeyKind.TrustStoreLocation;
                case "keyStore.type":
                    return SecurityKeyKind.KeyStoreType;
                case "trustStore.type":
                    return SecurityKeyKind.TrustStoreType;
                case "keyStore.passwordPath":
                    return SecurityKeyKind.KeyStorePasswordPath;
                case "trustStore.passwordPath":
                    return SecurityKeyKind.TrustStorePasswordPath;
                case "keyStore.password" or "trustStore.password":
                    return SecurityKeyKind.Password;
            }
        }

        return SecurityKeyKind.Setting;
    }

    /// <summary>True when <paramref name="key"/>'s value names a file of the host it is on.</summary>
    public static bool IsHostPath(string key) =>
        KindOf(key) is SecurityKeyKind.KeyStoreLocation or SecurityKeyKind.TrustStoreLocation or SecurityKeyKind.KeyStorePasswordPath or SecurityKeyKind.TrustStorePasswordPath;

    /// <summary>True when <paramref name="key"/>'s value is a secret (never logged, journaled, diffed or put in a message).</summary>
    public static bool IsSecret(string key) => KindOf(key) == SecurityKeyKind.Password;

    /// <summary>The security settings of a zoo.cfg text, in file order (the last value of a repeated key), inline passwords left out: they never leave the host.</summary>
    public static IReadOnlyDictionary<string, string> SettingsOf(string zooCfg)
    {
        ArgumentNullException.ThrowIfNull(zooCfg);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in PropertiesText.Parse(zooCfg).Entries)
        {
            if (IsSecurityKey(key) && !IsSecret(key))
            {
                settings[key] = value;
            }
        }

        return settings;
    }

    /// <summary>True when the settings ask for TLS between servers (<c>sslQuorum=true</c>): every server then needs its own key and trust store.</summary>
    public static bool NeedsQuorumTls(IReadOnlyDictionary<string, string> settings) => IsTrue(settings, "sslQuorum");

    /// <summary>True when the settings serve TLS clients (<c>secureClientPort</c>): the server needs its own key and trust store for <c>ssl.*</c>.</summary>
    public static bool NeedsClientTls(IReadOnlyDictionary<string, string> settings) =>
        settings.TryGetValue("secureClientPort", out var port) && port.Length > 0 && port != "0";

    /// <summary>
    /// True when the server needs a JAAS file (<c>java.security.auth.login.config</c>): SASL between servers
    /// (<c>quorum.auth.enableSasl</c>) or for clients (an <c>authProvider.N</c> of SASL, <c>sessionRequireClientSASLAuth</c>,
    /// <c>requireClientAuthScheme=sasl</c>).
    /// </summary>
    public static bool NeedsJaas(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return IsTrue(settings, "quorum.auth.enableSasl") || IsTrue(settings, "sessionRequireClientSASLAuth")
            || (settings.TryGetValue("requireClientAuthScheme", out var scheme) && scheme.Contains("sasl", StringComparison.OrdinalIgnoreCase))
            || settings.Any(s => s.Key.StartsWith("authProvider.", StringComparison.Ordinal) && s.Value.Contains("SASLAuthenticationProvider", StringComparison.Ordinal));
    }

    /// <summary>
    /// <paramref name="zooCfg"/> with every inline password's value replaced by <see cref="MaskedValue"/>, every other byte
    /// kept: what a dry run, a diff or a message may show.
    /// </summary>
    public static string Mask(string zooCfg)
    {
        ArgumentNullException.ThrowIfNull(zooCfg);
        var text = PropertiesText.Parse(zooCfg);
        foreach (var key in text.Entries.Select(e => e.Key).Where(IsSecret).Distinct(StringComparer.Ordinal).ToList())
        {
            text.Set(key, MaskedValue);
        }

        return text.ToString();
    }

    private static bool IsTrue(IReadOnlyDictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var value) && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
