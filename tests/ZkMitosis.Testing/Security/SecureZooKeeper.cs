using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Testing.Security;

/// <summary>
/// Starts a real standalone ZooKeeper 3.8 with a TLS client port (<c>secureClientPort</c> served by Netty, PEM key
/// and trust stores) and/or SASL DIGEST-MD5 client authentication (JAAS <c>Server</c> section, SASL required of
/// every session), as production ensembles carrying Kafka run. The plain <c>clientPort</c> stays open (four-letter
/// words, and SASL over plain TCP) unless the server is started TLS-only.
/// </summary>
public sealed class SecureZooKeeper : IAsyncDisposable
{
    private readonly ZooKeeperEnsemble _ensemble;

    private SecureZooKeeper(ZooKeeperEnsemble ensemble, int securePort, bool plainClientPort)
    {
        _ensemble = ensemble;
        SecurePort = securePort;
        HasPlainClientPort = plainClientPort;
    }

    /// <summary>The TLS port; 0 when started without TLS.</summary>
    public int SecurePort { get; }

    /// <summary>False when started TLS-only: zoo.cfg has a <c>secureClientPort</c> and no <c>clientPort</c>.</summary>
    public bool HasPlainClientPort { get; }

    /// <summary><c>127.0.0.1:clientPort</c>.</summary>
    /// <exception cref="InvalidOperationException">The server was started TLS-only.</exception>
    public string PlainConnectString => HasPlainClientPort ? _ensemble.ConnectString : throw new InvalidOperationException("this server was started TLS-only: it has no plain client port");

    /// <summary>The plain <c>clientPort</c> (for a connect string by host name, as Kerberos needs).</summary>
    public int ClientPort => _ensemble.Servers[0].Config.ClientPort;

    /// <summary>The server's zoo.cfg, as it runs with it (an agent under test reads it).</summary>
    public string ConfigPath => _ensemble.Servers[0].Config.ConfigPath;

    /// <summary>The server's dataDir.</summary>
    public string DataDirectory => _ensemble.Servers[0].Config.DataDirectory;

    /// <summary><c>127.0.0.1:secureClientPort</c>.</summary>
    public string SecureConnectString => $"127.0.0.1:{SecurePort}";

    /// <summary>The server's log, for failure messages and for checking what a test's run wrote there.</summary>
    public string LogTail(int lines) => _ensemble.Servers[0].LogTail(lines);

    /// <summary>
    /// Starts the server. <paramref name="keyStoreFile"/> (from <see cref="TestPki"/>) turns TLS on with
    /// <paramref name="pki"/>'s CA as trust store (client certificates required, ZooKeeper's default);
    /// <paramref name="saslUsers"/> (user → password) turns required SASL DIGEST-MD5 on. Without
    /// <paramref name="plainClientPort"/> the server has no <c>clientPort</c> (TLS needed): it is asked whether it
    /// serves over TLS with <paramref name="pki"/>'s client certificate.
    /// </summary>
    /// <param name="directory">Created if missing; for files the server reads (the JAAS file).</param>
    /// <param name="pki">The CA and client certificate; with <paramref name="keyStoreFile"/> it turns TLS on.</param>
    /// <param name="keyStoreFile">The server's PEM key store, or null: no TLS.</param>
    /// <param name="saslUsers">SASL users and passwords, or null: no SASL.</param>
    /// <param name="plainClientPort">False: no plain client port (needs TLS). Default true.</param>
    /// <param name="extraOptions">More zoo.cfg lines, set last (they win), or null.</param>
    public static async Task<SecureZooKeeper> StartAsync(string directory, TestPki? pki, string? keyStoreFile, IReadOnlyDictionary<string, string>? saslUsers, bool plainClientPort = true, IReadOnlyDictionary<string, string>? extraOptions = null)
    {
        if (!plainClientPort && (pki is null || keyStoreFile is null))
        {
            throw new ArgumentException("a server without a plain client port needs TLS: give pki and keyStoreFile", nameof(plainClientPort));
        }

        Directory.CreateDirectory(directory);
        var options = new Dictionary<string, string>();
        var properties = new Dictionary<string, string>();
        var securePort = 0;
        if (pki is not null && keyStoreFile is not null)
        {
            securePort = FreePorts.Next();
            foreach (var (key, value) in TlsServerOptions(pki, keyStoreFile, securePort))
            {
                options[key] = value;
            }
        }

        if (saslUsers is not null)
        {
            var jaas = Path.Combine(directory, "jaas.conf");
            var users = string.Concat(saslUsers.Select(u => $"\n    user_{u.Key}=\"{u.Value}\""));
            File.WriteAllText(jaas, $"Server {{\n    org.apache.zookeeper.server.auth.DigestLoginModule required{users};\n}};\n");
            options["authProvider.1"] = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider";
            options["requireClientAuthScheme"] = "sasl";
            properties["java.security.auth.login.config"] = jaas;
            // ZooKeeper 3.8 enforces SASL with this (requireClientAuthScheme is the 3.4 name it no longer reads).
            properties["zookeeper.sessionRequireClientSASLAuth"] = "true";
        }

        foreach (var (key, value) in extraOptions ?? new Dictionary<string, string>())
        {
            options[key] = value;
        }

        if (plainClientPort)
        {
            var ensemble = await ZooKeeperEnsemble.StartStandaloneAsync(options, properties).ConfigureAwait(false);
            return new SecureZooKeeper(ensemble, securePort, plainClientPort: true);
        }

        // The ensemble's client port becomes the secureClientPort (its zoo.cfg writes that line, and its readiness
        // probe speaks TLS), so the port chosen above gives way to it.
        options.Remove("secureClientPort");
        options.Remove("secureClientPortAddress");
        var probe = new ZooKeeperTlsOptions { CaFile = pki!.CaFile, CertificateFile = pki.ClientCertificateFile, KeyFile = pki.ClientKeyFile };
        var tlsOnly = await ZooKeeperEnsemble.StartAsync(1, options, systemProperties: properties, tlsOnlyClients: probe).ConfigureAwait(false);
        return new SecureZooKeeper(tlsOnly, tlsOnly.Servers[0].Config.ClientPort, plainClientPort: false);
    }

    /// <summary>
    /// Starts a server whose clients authenticate with SASL GSSAPI (Kerberos) against <paramref name="kdc"/>: a JAAS
    /// <c>Server</c> section logging in <c>zookeeper/localhost@REALM</c> with <c>Krb5LoginModule</c> from
    /// <paramref name="serverKeyTab"/>, the SASL authentication provider, the KDC's krb5.conf for the JVM, and with
    /// <paramref name="requireSasl"/> every session required to authenticate (<c>zookeeper.sessionRequireClientSASLAuth</c>).
    /// Clients connect to <c>localhost:</c><see cref="ClientPort"/> (the host of the server principal).
    /// </summary>
    /// <param name="directory">Created if missing; for the JAAS file.</param>
    /// <param name="kdc">The KDC that knows <c>zookeeper/localhost</c>.</param>
    /// <param name="serverKeyTab">The keytab of <c>zookeeper/localhost</c>.</param>
    /// <param name="requireSasl">Close sessions that do not authenticate with SASL. Default true.</param>
    public static async Task<SecureZooKeeper> StartKerberosAsync(string directory, TestKdc kdc, string serverKeyTab, bool requireSasl = true)
    {
        Directory.CreateDirectory(directory);
        var jaas = Path.Combine(directory, "jaas.conf");
        File.WriteAllText(jaas, $"Server {{\n    com.sun.security.auth.module.Krb5LoginModule required\n    useKeyTab=true keyTab=\"{serverKeyTab}\" storeKey=true useTicketCache=false\n    principal=\"zookeeper/localhost@{TestKdc.Realm}\";\n}};\n");
        var options = new Dictionary<string, string> { ["authProvider.1"] = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider" };
        var properties = new Dictionary<string, string>
        {
            ["java.security.auth.login.config"] = jaas,
            ["java.security.krb5.conf"] = kdc.Krb5ConfigFile,
            ["zookeeper.sessionRequireClientSASLAuth"] = requireSasl ? "true" : "false",
        };
        var ensemble = await ZooKeeperEnsemble.StartStandaloneAsync(options, properties).ConfigureAwait(false);
        return new SecureZooKeeper(ensemble, 0, plainClientPort: true);
    }

    /// <summary>Writes a JAAS client file logging <paramref name="principal"/> in with Kerberos from <paramref name="keyTab"/> (Kafka's and zkCli's form).</summary>
    public static string WriteJaasKerberosClientFile(string directory, string principal, string keyTab)
    {
        var path = Path.Combine(directory, $"client-krb-{Guid.NewGuid():N}.jaas");
        File.WriteAllText(path, $"Client {{\n    com.sun.security.auth.module.Krb5LoginModule required\n    useKeyTab=true\n    keyTab=\"{keyTab}\"\n    storeKey=true\n    useTicketCache=false\n    principal=\"{principal}\";\n}};\n");
        return path;
    }

    /// <summary>
    /// The zoo.cfg lines of a Netty <c>secureClientPort</c> on 127.0.0.1:<paramref name="securePort"/> with the PEM
    /// key store <paramref name="keyStoreFile"/>, trusting <paramref name="pki"/>'s CA and requiring client
    /// certificates (<c>ssl.clientAuth=need</c>, ZooKeeper's default). Also what <c>./zkm bench client --tls</c> runs.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TlsServerOptions(TestPki pki, string keyStoreFile, int securePort) => new Dictionary<string, string>
    {
        ["serverCnxnFactory"] = "org.apache.zookeeper.server.NettyServerCnxnFactory",
        ["secureClientPort"] = securePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["secureClientPortAddress"] = "127.0.0.1",
        ["ssl.keyStore.location"] = keyStoreFile,
        ["ssl.keyStore.type"] = "PEM",
        ["ssl.trustStore.location"] = pki.CaFile,
        ["ssl.trustStore.type"] = "PEM",
        ["ssl.clientAuth"] = "need",
    };

    /// <summary>Writes a JAAS client file for <paramref name="user"/> (the form operators have for Kafka and zkCli).</summary>
    public static string WriteJaasClientFile(string directory, string user, string password)
    {
        var path = Path.Combine(directory, $"client-{user}-{Guid.NewGuid():N}.jaas");
        File.WriteAllText(path, $"// test credentials\nClient {{\n    org.apache.zookeeper.server.auth.DigestLoginModule required\n    username=\"{user}\"\n    password=\"{password}\";\n}};\n");
        return path;
    }

    public ValueTask DisposeAsync() => _ensemble.DisposeAsync();
}
