using System.CommandLine;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Cli.Commands.Tools;

/// <summary>
/// The one set of options that reaches a secured ZooKeeper (TLS client port, SASL DIGEST-MD5 or Kerberos), shared by every
/// tool: <c>--tls-ca FILE --tls-cert FILE --tls-key FILE --tls-no-hostname-verification --sasl-credentials FILE</c>,
/// or with a side's prefix (<c>--source-tls-ca</c>, <c>--target-sasl-credentials</c>) for copy and diff.
/// Secrets come from files only: the password is never an option value, so never in a shell history or <c>ps</c>.
/// </summary>
internal sealed class SecurityOptions
{
    private SecurityOptions(string prefix, string who, bool recursive)
    {
        Prefix = prefix;
        TlsCa = new Option<string?>($"--{prefix}tls-ca") { Description = $"CA certificate(s), PEM, that {who}'s TLS certificate must chain to; turns TLS on (use the secureClientPort)", Recursive = recursive };
        TlsCert = new Option<string?>($"--{prefix}tls-cert") { Description = $"client certificate, PEM, for {who} (servers require one unless ssl.clientAuth=none)", Recursive = recursive };
        TlsKey = new Option<string?>($"--{prefix}tls-key") { Description = $"unencrypted private key, PEM, of --{prefix}tls-cert", Recursive = recursive };
        NoHostnameVerification = new Option<bool>($"--{prefix}tls-no-hostname-verification") { Description = $"accept {who}'s certificate even when it does not name the host connected to (ssl.hostnameVerification=false)", Recursive = recursive };
        SaslCredentials = new Option<string?>($"--{prefix}sasl-credentials") { Description = $"file with SASL credentials for {who}: a JAAS file whose Client section is DigestLoginModule (username=\"…\" password=\"…\";) or Kerberos Krb5LoginModule (useKeyTab=true keyTab=\"…\" principal=\"…\"; realm and KDCs from krb5.conf or KRB5_CONFIG), or user=… / password=… lines", Recursive = recursive };
    }

    /// <summary>"" or a side's "source-" / "target-".</summary>
    public string Prefix { get; }

    public Option<string?> TlsCa { get; }

    public Option<string?> TlsCert { get; }

    public Option<string?> TlsKey { get; }

    public Option<bool> NoHostnameVerification { get; }

    public Option<string?> SaslCredentials { get; }

    /// <summary>The options of one ensemble; <paramref name="recursive"/> for a command whose subcommands all connect (zk).</summary>
    public static SecurityOptions Create(bool recursive = false) => new(string.Empty, "the servers", recursive);

    /// <summary>The options of one side of copy or diff: <c>--source-…</c> or <c>--target-…</c>.</summary>
    public static SecurityOptions ForSide(string side) => new(side + "-", $"the {side}", recursive: false);

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(TlsCa);
        command.Options.Add(TlsCert);
        command.Options.Add(TlsKey);
        command.Options.Add(NoHostnameVerification);
        command.Options.Add(SaslCredentials);
    }

    /// <summary>
    /// The security these options give (<see cref="ZooKeeperSecurity.None"/> when none is set). Reads the credentials
    /// file now, so a bad one is refused before anything connects. Throws <see cref="ArgumentException"/> (exit 2)
    /// for a TLS option without <c>--tls-ca</c>, a certificate without its key, a missing file or an unusable
    /// credentials file; the message names the option and the file, never the password.
    /// </summary>
    public ZooKeeperSecurity Read(ParseResult parseResult)
    {
        var ca = parseResult.GetValue(TlsCa);
        var cert = parseResult.GetValue(TlsCert);
        var key = parseResult.GetValue(TlsKey);
        var noVerification = parseResult.GetValue(NoHostnameVerification);
        if (ca is null && (cert is not null || key is not null || noVerification))
        {
            throw new ArgumentException($"--{Prefix}tls-cert, --{Prefix}tls-key and --{Prefix}tls-no-hostname-verification need --{Prefix}tls-ca");
        }

        if ((cert is null) != (key is null))
        {
            throw new ArgumentException($"--{Prefix}tls-cert and --{Prefix}tls-key go together");
        }

        foreach (var (file, name) in new[] { (ca, "tls-ca"), (cert, "tls-cert"), (key, "tls-key") })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new ArgumentException($"--{Prefix}{name} {file} does not exist");
            }
        }

        var tls = ca is null ? null : new ZooKeeperTlsOptions
        {
            CaFile = ca,
            CertificateFile = cert,
            KeyFile = key,
            HostnameVerification = !noVerification,
        };
        ZooKeeperSaslCredentials? sasl = null;
        if (parseResult.GetValue(SaslCredentials) is { } credentialsFile)
        {
            try
            {
                sasl = ZooKeeperSaslCredentials.FromFile(credentialsFile);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
            {
                throw new ArgumentException($"--{Prefix}sasl-credentials: {e.Message}", e);
            }
        }

        return tls is null && sasl is null ? ZooKeeperSecurity.None : new ZooKeeperSecurity(tls, sasl);
    }
}
