namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// A SASL DIGEST-MD5 user and password, as ZooKeeper's <c>DigestLoginModule</c> takes them (the server lists its
/// users as <c>user_NAME="password"</c> in its JAAS <c>Server</c> section). The password is only ever read to compute
/// the digest: <see cref="ToString"/> and every message name the user alone.
/// </summary>
public sealed class ZooKeeperSaslCredentials
{
    /// <summary>The section of a JAAS file ZooKeeper's client reads by default (<c>zookeeper.sasl.clientconfig</c>).</summary>
    public const string DefaultJaasSection = "Client";

    /// <summary>Credentials given directly; prefer <see cref="FromFile"/> so the password never passes a command line.</summary>
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
    }

    /// <summary>The SASL user (authentication id); the server grants the ACL id <c>sasl:USER</c>.</summary>
    public string Username { get; }

    internal string Password { get; }

    /// <summary>
    /// Reads credentials from <paramref name="path"/>, in either form:
    /// a JAAS file (<c>Client { org.apache.zookeeper.server.auth.DigestLoginModule required username="u" password="p"; };</c>,
    /// the section named <paramref name="jaasSection"/>), as operators already have for ZooKeeper's Java client and Kafka;
    /// or <c>key=value</c> lines <c>username=u</c> (or <c>user=u</c>) and <c>password=p</c> (<c>#</c> starts a comment).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file has no such section, or no user or password; the message names the file, never the password.</exception>
    public static ZooKeeperSaslCredentials FromFile(string path, string jaasSection = DefaultJaasSection)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"SASL credentials file {path} does not exist", path);
        }

        var text = File.ReadAllText(path);
        var values = JaasFile.LooksLikeJaas(text)
            ? JaasFile.ReadSection(text, jaasSection, path)
            : ReadProperties(text);
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

    /// <summary>Names the user only.</summary>
    public override string ToString() => $"SASL user '{Username}'";

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
