using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Status;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Agent.Files;

/// <summary>
/// Puts a source ensemble's security settings into this host's zoo.cfg, adapted to the host's own files
/// (<see cref="ZooKeeperSecurityOptions"/>), and keeps every zoo.cfg write from naming a security file the caller chose.
/// The agent runs as root: a key store, trust store or password file path comes only from its configuration or from the
/// host's current zoo.cfg (the operator's), never from a caller. Which keys are which: <see cref="ZooKeeperSecurityKeys"/>.
/// </summary>
public sealed partial class ZooCfgSecurity
{
    /// <summary>The precondition type of a setting this host's files cannot serve.</summary>
    public const string PreconditionType = "SECURITY";

    private const string Field = "source_security";

    private readonly ZooKeeperSecurityOptions _own;
    private readonly string? _jvmOptionsFile;

    public ZooCfgSecurity(IOptions<AgentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _own = options.Value.ZooKeeper.Security;
        _jvmOptionsFile = options.Value.ZooKeeper.JvmOptionsFile;
    }

    /// <summary>
    /// Edits <paramref name="updated"/> (the zoo.cfg about to be written): with <paramref name="source"/> settings, every
    /// security key of the file is replaced by the source's, whose store paths become the host's own and whose
    /// passwords are dropped; then, for every write, a store or password file path that is neither the host's configured
    /// one nor the one the current file (<paramref name="current"/>) names becomes the host's own, and an inline password
    /// gives way to the host's password file when it has one.
    /// </summary>
    /// <param name="updated">The new zoo.cfg, edited in place.</param>
    /// <param name="current">zoo.cfg as on disk now, or null.</param>
    /// <param name="source">The source's settings (the request's source_security); empty for a write without them.</param>
    /// <param name="field">The request field the content came from, for messages.</param>
    /// <exception cref="InvalidRequestException">a source key that is not a security key, a malformed value, or a file path the host has no own file for.</exception>
    /// <exception cref="PreconditionFailedException">"SECURITY": the source needs TLS or SASL and this agent has no key store, trust store or JAAS file configured.</exception>
    public void Apply(PropertiesText updated, PropertiesText? current, IReadOnlyDictionary<string, string> source, string field)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(source);
        if (source.Count > 0)
        {
            Validate(source);
            CarryOver(updated, source);
        }

        foreach (var (_, key, value) in updated.NumberedEntries.Where(e => ZooKeeperSecurityKeys.IsHostPath(e.Key)).ToList())
        {
            var own = OwnFile(ZooKeeperSecurityKeys.KindOf(key));
            if (own is not null && ZooKeeperPaths.SamePath(value, ZooKeeperPaths.Normalize(own)))
            {
                continue;
            }

            if (current?.Get(key) == value)
            {
                // The operator's own file, as the host's zoo.cfg names it today.
                continue;
            }

            updated.Set(key, own ?? throw new InvalidRequestException($"{field}.{key}",
                $"'{CallerText.Printable(value)}' is neither this host's file ({OptionName(ZooKeeperSecurityKeys.KindOf(key))} is not configured) nor the one its zoo.cfg names now"));
        }

        foreach (var prefix in ZooKeeperSecurityKeys.TlsPrefixes)
        {
            ReplaceInlinePassword(updated, prefix + "keyStore", _own.KeyStorePasswordFile);
            ReplaceInlinePassword(updated, prefix + "trustStore", _own.TrustStorePasswordFile);
        }
    }

    /// <summary>True when the settings in <paramref name="zooCfg"/> need the JVM to be given the host's JAAS file.</summary>
    public static bool NeedsJaas(PropertiesText zooCfg)
    {
        ArgumentNullException.ThrowIfNull(zooCfg);
        return ZooKeeperSecurityKeys.NeedsJaas(zooCfg.Entries.GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal));
    }

    private static void Validate(IReadOnlyDictionary<string, string> source)
    {
        foreach (var (key, value) in source)
        {
            if (!KeyPattern().IsMatch(key))
            {
                throw new InvalidRequestException(Field, $"'{CallerText.Printable(key)}' is not a zoo.cfg key");
            }

            if (!ZooKeeperSecurityKeys.IsSecurityKey(key))
            {
                throw new InvalidRequestException($"{Field}.{key}", "is not a security setting of zoo.cfg (ZooKeeperSecurityKeys)");
            }

            if (ZooKeeperSecurityKeys.IsSecret(key))
            {
                // Never echoed, and never written: the host's own password file takes its place.
                continue;
            }

            CallerText.RequireNoControl($"{Field}.{key}", value);
            if (value.Contains('\\', StringComparison.Ordinal))
            {
                throw new InvalidRequestException($"{Field}.{key}", "a backslash would be read as an escape by Java's Properties");
            }
        }
    }

    private void CarryOver(PropertiesText updated, IReadOnlyDictionary<string, string> source)
    {
        foreach (var key in updated.Entries.Select(e => e.Key).Where(ZooKeeperSecurityKeys.IsSecurityKey).Distinct(StringComparer.Ordinal).ToList())
        {
            updated.Remove(key);
        }

        // Sorted: the same settings give the same file whatever order the caller's map arrived in.
        foreach (var (key, value) in source.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            switch (ZooKeeperSecurityKeys.KindOf(key))
            {
                case SecurityKeyKind.Password or SecurityKeyKind.KeyStorePasswordPath or SecurityKeyKind.TrustStorePasswordPath:
                    break;
                case SecurityKeyKind.KeyStoreLocation:
                    updated.Set(key, Require(_own.KeyStore, "ZooKeeper.Security.KeyStore", $"the source sets {key}"));
                    break;
                case SecurityKeyKind.TrustStoreLocation:
                    updated.Set(key, Require(_own.TrustStore, "ZooKeeper.Security.TrustStore", $"the source sets {key}"));
                    break;
                case SecurityKeyKind.KeyStoreType:
                    updated.Set(key, _own.KeyStoreType ?? value);
                    break;
                case SecurityKeyKind.TrustStoreType:
                    updated.Set(key, _own.TrustStoreType ?? value);
                    break;
                default:
                    updated.Set(key, value);
                    break;
            }
        }

        // The source may give its stores as JVM flags rather than in zoo.cfg: the host still needs its own for what the
        // settings turn on.
        if (ZooKeeperSecurityKeys.NeedsQuorumTls(source))
        {
            SetStores(updated, "ssl.quorum.", "the source runs sslQuorum=true (TLS between servers)");
        }

        if (ZooKeeperSecurityKeys.NeedsClientTls(source))
        {
            SetStores(updated, "ssl.", "the source serves TLS clients (secureClientPort)");
        }

        if (ZooKeeperSecurityKeys.NeedsJaas(source))
        {
            RequireJvmJaas(Require(_own.JaasFile, "ZooKeeper.Security.JaasFile", "the source authenticates with SASL"));
        }
    }

    /// <summary>
    /// ZooKeeper takes its JAAS file only from the JVM system property <c>java.security.auth.login.config</c> (no zoo.cfg
    /// form; <c>SaslServerCallbackHandler</c>, <c>QuorumPeerMain</c>): a server given the source's SASL settings but started
    /// without it fails every SASL login once it joins. With <c>ZooKeeper.JvmOptionsFile</c> configured (the file its
    /// service takes JVM options from), the file must name this host's JAAS file; the agent does not edit that shared
    /// file, it refuses and says what to add. Without it, the agent cannot tell and does not refuse.
    /// </summary>
    /// <exception cref="PreconditionFailedException">"SECURITY": the file is missing, gives no JAAS file, or another one.</exception>
    private void RequireJvmJaas(string jaas)
    {
        if (_jvmOptionsFile is null)
        {
            return;
        }

        const string Option = "ZooKeeper.JvmOptionsFile";
        var fix = $"add -Djava.security.auth.login.config={jaas} to the server's JVM options there (SERVER_JVMFLAGS)";
        if (!File.Exists(_jvmOptionsFile))
        {
            throw new PreconditionFailedException(PreconditionType, Option, $"the source authenticates with SASL and this host's JVM options file {_jvmOptionsFile} does not exist; {fix}");
        }

        // The last word that sets it wins, as on a JVM command line; a commented-out line gives nothing.
        var given = JvmOptionsText.LastValue(File.ReadAllText(_jvmOptionsFile), "java.security.auth.login.config");
        if (string.IsNullOrEmpty(given))
        {
            throw new PreconditionFailedException(PreconditionType, Option, $"the source authenticates with SASL and {_jvmOptionsFile} gives the JVM no JAAS file; {fix}");
        }

        if (!ZooKeeperPaths.SamePath(ZooKeeperPaths.Normalize(given), ZooKeeperPaths.Normalize(jaas)))
        {
            throw new PreconditionFailedException(PreconditionType, Option, $"{_jvmOptionsFile} gives the JVM the JAAS file {CallerText.Printable(given)}, not this host's ZooKeeper.Security.JaasFile {jaas}; make them the same file");
        }
    }

    private void SetStores(PropertiesText updated, string prefix, string why)
    {
        updated.Set(prefix + "keyStore.location", Require(_own.KeyStore, "ZooKeeper.Security.KeyStore", why));
        updated.Set(prefix + "trustStore.location", Require(_own.TrustStore, "ZooKeeper.Security.TrustStore", why));
        if (_own.KeyStoreType is { } keyStoreType)
        {
            updated.Set(prefix + "keyStore.type", keyStoreType);
        }

        if (_own.TrustStoreType is { } trustStoreType)
        {
            updated.Set(prefix + "trustStore.type", trustStoreType);
        }
    }

    /// <summary>Names the host's password file for a store instead of an inline password (no secret in a file that is diffed and backed up).</summary>
    private static void ReplaceInlinePassword(PropertiesText updated, string store, string? passwordFile)
    {
        if (passwordFile is null || updated.Get(store + ".location") is null)
        {
            return;
        }

        updated.Remove(store + ".password");
        updated.Set(store + ".passwordPath", passwordFile);
    }

    private string? OwnFile(SecurityKeyKind kind) => kind switch
    {
        SecurityKeyKind.KeyStoreLocation => _own.KeyStore,
        SecurityKeyKind.TrustStoreLocation => _own.TrustStore,
        SecurityKeyKind.KeyStorePasswordPath => _own.KeyStorePasswordFile,
        SecurityKeyKind.TrustStorePasswordPath => _own.TrustStorePasswordFile,
        _ => null,
    };

    private static string OptionName(SecurityKeyKind kind) => kind switch
    {
        SecurityKeyKind.KeyStoreLocation => "ZooKeeper.Security.KeyStore",
        SecurityKeyKind.TrustStoreLocation => "ZooKeeper.Security.TrustStore",
        SecurityKeyKind.KeyStorePasswordPath => "ZooKeeper.Security.KeyStorePasswordFile",
        _ => "ZooKeeper.Security.TrustStorePasswordFile",
    };

    private static string Require(string? own, string option, string why) =>
        own ?? throw new PreconditionFailedException(PreconditionType, option, $"{why} but this agent has no {option} configured; set it to this host's own file");

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex KeyPattern();
}
