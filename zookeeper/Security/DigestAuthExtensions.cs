using System.Text;

namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// <c>addauth digest user:password</c> from credentials read from a file, so the password never leaves this library
/// as a string a caller could log.
/// </summary>
public static class DigestAuthExtensions
{
    /// <summary>
    /// Adds <paramref name="credentials"/> to the session with ZooKeeper's <c>digest</c> scheme
    /// (<c>DigestAuthenticationProvider</c>: the ACL id is <c>digest:USER:base64(sha1(USER:PASSWORD))</c>); sent again
    /// after every reconnect, as <see cref="ZooKeeperClient.AddAuthAsync"/>.
    /// </summary>
    /// <param name="client">The session.</param>
    /// <param name="credentials">DIGEST-MD5 credentials (a user and password).</param>
    /// <param name="cancellationToken">Cancels the wait for the reply.</param>
    /// <exception cref="ArgumentException"><paramref name="credentials"/> are Kerberos credentials: the digest scheme needs a password.</exception>
    public static Task AddDigestAuthAsync(this ZooKeeperClient client, ZooKeeperSaslCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.Mechanism != ZooKeeperSaslMechanism.DigestMd5)
        {
            throw new ArgumentException($"addauth digest needs a user and password; {credentials} logs in with Kerberos (use it as SASL credentials)", nameof(credentials));
        }

        return client.AddAuthAsync("digest", Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}"), cancellationToken);
    }
}
