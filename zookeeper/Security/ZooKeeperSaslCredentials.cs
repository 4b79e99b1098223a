namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// How a session logs in with SASL, by one of two mechanisms (<see cref="Mechanism"/>):
/// <list type="bullet">
/// <item>DIGEST-MD5: a user and password, as ZooKeeper's <c>DigestLoginModule</c> takes them (the server lists its
/// users as <c>user_NAME="password"</c> in its JAAS <c>Server</c> section). The password is only ever read to compute
/// the digest.</item>
/// <item>GSSAPI (Kerberos v5): a client principal and the keytab holding its keys, as Java's <c>Krb5LoginModule</c>
/// takes them (<c>useKeyTab=true keyTab="…" principal="…"</c>); the server is <c>SERVICE/HOST@REALM</c>, SERVICE
/// being <see cref="ServiceName"/> and HOST the host of the address connected to (ZooKeeper's
/// <c>SaslServerPrincipal</c>). How the keytab reaches the system's GSSAPI library, and the limits of that, is told
/// in <c>docs/client-api.md</c> ("Kerberos"): one keytab per process.</item>
/// </list>
/// <see cref="ToString"/> and every message name the user or principal alone, never a password or a key.
/// </summary>
public sealed class ZooKeeperSaslCredentials
{
    /// <summary>The section of a JAAS file ZooKeeper's client reads by default (<c>zookeeper.sasl.clientconfig</c>).</summary>
    public const string DefaultJaasSection = "Client";

    /// <summary>The service of ZooKeeper's server principal by default (<c>zookeeper.sasl.client.username</c>).</summary>
    public const string DefaultServiceName = "zookeeper";

    /// <summary>DIGEST-MD5 credentials given directly; prefer <see cref="FromFile"/> so the password never passes a command line.</summary>
    /// <param name="username">The SASL user.</param>
    /// <param name="password">Its password.</param>
    /// <exception cref="ArgumentException">The user or the password is empty.</exception>
    public ZooKeeperSaslCredentials(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        if (string.IsNullOrEmpty(password))
        {
            throw new ArgumentException($"the SASL password of user '{username}' is empty", nameof(password));
        }

        Username = username;
        Password = password;
        Mechanism = ZooKeeperSaslMechanism.DigestMd5;
    }

    private ZooKeeperSaslCredentials(string principal, string keyTabFile, string serviceName)
    {
        Username = principal;
        Password = string.Empty;
        KeyTabFile = keyTabFile;
        ServiceName = serviceName;
        Mechanism = ZooKeeperSaslMechanism.Gssapi;
    }

    /// <summary>
    /// Kerberos (SASL GSSAPI) credentials: <paramref name="principal"/> logs in with the keys of
    /// <paramref name="keyTabFile"/>. The keytab is read by the system's GSSAPI library when a session first
    /// authenticates, not here; a missing or wrong one fails that session with
    /// <see cref="ZooKeeperAuthenticationFailure.KerberosLoginFailed"/>.
    /// </summary>
    /// <param name="principal">The client principal, <c>name[/instance]@REALM</c> (the realm may be left to krb5.conf's default).</param>
    /// <param name="keyTabFile">Path of the keytab holding the principal's keys.</param>
    /// <param name="serviceName">Service of the server principal; default <see cref="DefaultServiceName"/>.</param>
    /// <exception cref="ArgumentException">The principal, keytab path or service name is empty.</exception>
    public static ZooKeeperSaslCredentials Kerberos(string principal, string keyTabFile, string serviceName = DefaultServiceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(principal);
        ArgumentException.ThrowIfNullOrEmpty(keyTabFile);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        return new ZooKeeperSaslCredentials(principal, keyTabFile, serviceName);
    }

    /// <summary>The mechanism: <see cref="ZooKeeperSaslMechanism.DigestMd5"/> or <see cref="ZooKeeperSaslMechanism.Gssapi"/>.</summary>
    public ZooKeeperSaslMechanism Mechanism { get; }

    /// <summary>
    /// Who logs in: the DIGEST-MD5 user (the server grants the ACL id <c>sasl:USER</c>), or the Kerberos principal
    /// (the server grants <c>sasl:</c> and the principal, shortened as its <c>kerberos.removeHostFromPrincipal</c>
    /// and <c>kerberos.removeRealmFromPrincipal</c> say).
    /// </summary>
    public string Username { get; }

    /// <summary>The Kerberos principal (same as <see cref="Username"/>); null for DIGEST-MD5.</summary>
    public string? Principal => Mechanism == ZooKeeperSaslMechanism.Gssapi ? Username : null;

    /// <summary>The keytab of <see cref="Principal"/>; null for DIGEST-MD5.</summary>
    public string? KeyTabFile { get; }

    /// <summary>Service of the server principal <c>SERVICE/HOST@REALM</c> (GSSAPI only); null for DIGEST-MD5.</summary>
    public string? ServiceName { get; }

    internal string Password { get; }

    /// <summary>
    /// Reads credentials from <paramref name="path"/>, in either form. A JAAS file, its section
    /// <paramref name="jaasSection"/>, as operators already have for ZooKeeper's Java client and Kafka: with
    /// <c>org.apache.zookeeper.server.auth.DigestLoginModule required username="u" password="p";</c> it gives
    /// DIGEST-MD5; with <c>com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab="/etc/x.keytab"
    /// principal="kafka/host@REALM";</c> it gives Kerberos (an optional <c>serviceName="…"</c>, Kafka's option, changes
    /// the server principal's service). Or <c>key=value</c> lines <c>username=u</c> (or <c>user=u</c>) and
    /// <c>password=p</c> (<c>#</c> starts a comment), for DIGEST-MD5.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="jaasSection">The JAAS section read; default <see cref="DefaultJaasSection"/>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file has no such section, no user or password, or a Kerberos section without <c>principal</c>, or without
    /// <c>useKeyTab=true</c> and <c>keyTab</c> (a ticket cache is not read); the message names the file, never the password.
    /// </exception>
    public static ZooKeeperSaslCredentials FromFile(string path, string jaasSection = DefaultJaasSection)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"SASL credentials file {path} does not exist", path);
        }

        var text = File.ReadAllText(path);
        Dictionary<string, string> values;
        if (JaasFile.LooksLikeJaas(text))
        {
            var section = JaasFile.ReadSection(text, jaasSection, path);
            if (section.Modules.Any(m => m.EndsWith(".Krb5LoginModule", StringComparison.Ordinal)))
            {
                return KerberosFromJaas(section.Options, path, jaasSection);
            }

            values = section.Options;
        }
        else
        {
            values = ReadProperties(text);
        }

        var user = values.GetValueOrDefault("username") ?? values.GetValueOrDefault("user");
        var password = values.GetValueOrDefault("password");
        if (string.IsNullOrEmpty(user))
        {
            throw new InvalidDataException($"SASL credentials file {path} gives no username");
        }

        if (string.IsNullOrEmpty(password))
        {
            throw new InvalidDataException($"SASL credentials file {path} gives no password for user '{user}'");
        }

        return new ZooKeeperSaslCredentials(user, password);
    }

    /// <summary>Names the user or principal only.</summary>
    public override string ToString() => Mechanism == ZooKeeperSaslMechanism.Gssapi
        ? $"Kerberos principal '{Username}'"
        : $"SASL user '{Username}'";

    private static ZooKeeperSaslCredentials KerberosFromJaas(Dictionary<string, string> options, string path, string section)
    {
        var principal = options.GetValueOrDefault("principal");
        if (string.IsNullOrEmpty(principal))
        {
            throw new InvalidDataException($"SASL credentials file {path}: the Krb5LoginModule of section '{section}' gives no principal");
        }

        var keyTab = options.GetValueOrDefault("keyTab");
        if (!string.Equals(options.GetValueOrDefault("useKeyTab"), "true", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(keyTab))
        {
            throw new InvalidDataException($"SASL credentials file {path}: the Krb5LoginModule of principal '{principal}' needs useKeyTab=true and keyTab=\"FILE\" (a ticket cache is not read)");
        }

        var service = options.GetValueOrDefault("serviceName");
        return Kerberos(principal, keyTab, string.IsNullOrEmpty(service) ? DefaultServiceName : service);
    }

    private static Dictionary<string, string> ReadProperties(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        return values;
    }
}
