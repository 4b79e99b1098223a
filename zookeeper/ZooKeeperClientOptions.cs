using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper;

/// <summary>Settings of one <see cref="ZooKeeperClient"/>. Every member has a usable default.</summary>
public sealed class ZooKeeperClientOptions
{
    /// <summary>Session timeout asked of the server (it may negotiate it into its min/max range). Default 10 s.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bound on one TCP connect plus handshake to one host. Default 3 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Default bound on one call, including any wait for a reconnection. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between host attempts after a connection loss. Default 100 ms.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>ZooKeeper's default <c>jute.maxbuffer</c>: 0xfffff bytes (1 MiB − 1).</summary>
    public const int DefaultMaxFrameBytes = 0xfffff;

    /// <summary>
    /// Largest request frame sent (and, unless <see cref="MaxReplyFrameBytes"/> says otherwise, reply frame
    /// accepted), in bytes after the 4-byte length prefix: the server's <c>jute.maxbuffer</c>. A server closes
    /// the connection ("Len error") on a longer request; the client refuses it first with MarshallingError.
    /// Default <see cref="DefaultMaxFrameBytes"/>; set it to the server's value when it runs a larger one.
    /// </summary>
    public int MaxFrameBytes { get; init; } = DefaultMaxFrameBytes;

    /// <summary>
    /// Largest reply frame accepted, in bytes; 0 (default) means <see cref="MaxFrameBytes"/>. Servers do not bound
    /// their replies by <c>jute.maxbuffer</c>: a multiRead reply carries many znodes, so a reader may allow more.
    /// </summary>
    public int MaxReplyFrameBytes { get; init; }

    /// <summary>The reply limit in force: <see cref="MaxReplyFrameBytes"/>, or <see cref="MaxFrameBytes"/> when 0.</summary>
    internal int EffectiveMaxReplyFrameBytes => MaxReplyFrameBytes > 0 ? MaxReplyFrameBytes : MaxFrameBytes;

    /// <summary>Accept a session on a server that is in read-only mode (partitioned from its quorum). Default false.</summary>
    public bool CanBeReadOnly { get; init; }

    /// <summary>Clock for pings, timeouts and state-change stamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where connection events are logged; null logs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// Resume an existing session instead of creating one (with <see cref="SessionPassword"/>), as the Java client's
    /// <c>ZooKeeper(connectString, timeout, watcher, sessionId, passwd)</c>. Default 0: a new session.
    /// </summary>
    public long SessionId { get; init; }

    /// <summary>Password of the session named by <see cref="SessionId"/>.</summary>
    public ReadOnlyMemory<byte> SessionPassword { get; init; }

    /// <summary>
    /// TLS on every connection (the servers' <c>secureClientPort</c>); null (default) for plain TCP. Its files are
    /// read by <see cref="ZooKeeperClient.ConnectAsync"/>, which throws <see cref="FileNotFoundException"/> or
    /// <see cref="InvalidDataException"/> for a missing or unusable one.
    /// </summary>
    public ZooKeeperTlsOptions? Tls { get; init; }

    /// <summary>
    /// SASL credentials, DIGEST-MD5 or Kerberos (GSSAPI), used on every new connection right after the connect
    /// response and before any request (as ZooKeeper's Java client does); null (default) for none. <c>AddAuthAsync</c>
    /// still works beside it.
    /// </summary>
    public ZooKeeperSaslCredentials? Sasl { get; init; }

    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
            }
        }

        Positive(SessionTimeout, nameof(SessionTimeout));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(RequestTimeout, nameof(RequestTimeout));
        if (ReconnectDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconnectDelay), ReconnectDelay, "ReconnectDelay must not be negative.");
        }

        if (MaxFrameBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameBytes), MaxFrameBytes, "MaxFrameBytes must be at least 1024.");
        }

        if (MaxReplyFrameBytes is < 0 or (> 0 and < 1024))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxReplyFrameBytes), MaxReplyFrameBytes, "MaxReplyFrameBytes must be 0 (same as MaxFrameBytes) or at least 1024.");
        }

        if (SessionId != 0 && SessionPassword.Length == 0)
        {
            throw new ArgumentException("SessionPassword is required to resume the session given by SessionId.", nameof(SessionPassword));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
