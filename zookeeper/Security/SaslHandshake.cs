using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Protocol;

namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// SASL authentication of a fresh session, as ZooKeeper's <c>ZooKeeperSaslClient</c> runs it right after the connect
/// response and before any other request: sasl requests (op 102, <c>GetSASLRequest{token}</c>) answered by
/// <c>SetSASLResponse{token}</c>. DIGEST-MD5 here: the first token is empty (DIGEST-MD5 has no initial response);
/// GSSAPI (Kerberos) in <see cref="GssapiHandshake"/>. The server (<c>ZooKeeperServer.processSasl</c>) then adds the
/// id <c>sasl:USER</c> to the connection; on bad credentials it answers AuthFailed or SessionClosedRequireSaslAuth
/// and closes the session.
/// </summary>
internal static class SaslHandshake
{
    /// <summary><c>ZooDefs.OpCode.sasl</c>.</summary>
    public const int OpCodeSasl = 102;

    private const int MaxTokenFrame = 64 * 1024;

    /// <summary>
    /// Authenticates over <paramref name="channel"/>, connected to <paramref name="host"/> (the host of the server
    /// principal, for GSSAPI). Throws <see cref="ZooKeeperAuthenticationException"/> when the server refuses or the
    /// client cannot log in (naming the user or principal, never a secret), ConnectionLoss when the connection drops.
    /// </summary>
    public static Task AuthenticateAsync(HandshakeChannel channel, string host, ZooKeeperSaslCredentials credentials, Func<int> nextXid, CancellationToken cancellationToken) =>
        credentials.Mechanism == ZooKeeperSaslMechanism.Gssapi
            ? GssapiHandshake.AuthenticateAsync(channel, host, credentials, nextXid, cancellationToken)
            : DigestMd5Async(channel, credentials, nextXid, cancellationToken);

    private static async Task DigestMd5Async(HandshakeChannel channel, ZooKeeperSaslCredentials credentials, Func<int> nextXid, CancellationToken cancellationToken)
    {
        var digest = new DigestMd5Client(credentials);
        var challenge = await ExchangeAsync(channel, credentials, [], nextXid(), cancellationToken).ConfigureAwait(false);
        if (challenge is null || challenge.Length == 0)
        {
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.MechanismUnavailable, channel.Server,
                "the server answered the SASL request with no DIGEST-MD5 challenge: it has no SASL login configured (JAAS Server section, authProvider SASLAuthenticationProvider)");
        }

        byte[] response;
        try
        {
            response = digest.Respond(challenge);
        }
        catch (InvalidDataException e)
        {
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.MechanismUnavailable, channel.Server, e.Message);
        }

        var final = await ExchangeAsync(channel, credentials, response, nextXid(), cancellationToken).ConfigureAwait(false);
        if (final is null || !digest.VerifyServer(final))
        {
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.CredentialsRejected, channel.Server,
                $"SASL DIGEST-MD5 for {credentials}: the server's reply does not prove it knows the password (no matching rspauth)");
        }
    }

    /// <summary>Sends one sasl request carrying <paramref name="token"/> and returns the server's token (null: none).</summary>
    public static async Task<byte[]?> ExchangeAsync(HandshakeChannel channel, ZooKeeperSaslCredentials credentials, byte[] token, int xid, CancellationToken cancellationToken)
    {
        using (var writer = new JuteWriter(64 + token.Length))
        {
            var start = writer.BeginFrame();
            writer.WriteInt(xid);
            writer.WriteInt(OpCodeSasl);
            writer.WriteBuffer(token);
            writer.EndFrame(start);
            await channel.SendAsync(writer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }

        var frame = await channel.ReceiveAsync(MaxTokenFrame, "SASL reply", cancellationToken).ConfigureAwait(false);
        return Parse(frame.Span, xid, channel.Server, credentials);
    }

    private static byte[]? Parse(ReadOnlySpan<byte> frame, int xid, string server, ZooKeeperSaslCredentials credentials)
    {
        var reader = new JuteReader(frame);
        var replyXid = reader.ReadInt();
        reader.ReadLong();
        var error = reader.ReadInt();
        if (replyXid != xid)
        {
            throw new ZooKeeperProtocolException($"SASL reply with xid {replyXid}, expected {xid}", server);
        }

        if (error != 0)
        {
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.CredentialsRejected, server, credentials.Mechanism == ZooKeeperSaslMechanism.Gssapi
                ? $"SASL GSSAPI (Kerberos) authentication of {credentials} refused ({(KeeperErrorCode)error}): the server could not accept the Kerberos token (it runs DIGEST-MD5, not Kerberos, or lacks the key of its own principal)"
                : $"SASL DIGEST-MD5 authentication of {credentials} refused ({(KeeperErrorCode)error}): unknown user or wrong password");
        }

        return reader.ReadBuffer();
    }
}
