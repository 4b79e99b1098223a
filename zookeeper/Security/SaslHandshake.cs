using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Protocol;

namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// SASL DIGEST-MD5 authentication of a fresh session, as ZooKeeper's <c>ZooKeeperSaslClient</c> runs it right after
/// the connect response and before any other request: sasl requests (op 102, <c>GetSASLRequest{token}</c>) answered
/// by <c>SetSASLResponse{token}</c>; the first token is empty (DIGEST-MD5 has no initial response). The server
/// (<c>ZooKeeperServer.processSasl</c>) then adds the id <c>sasl:USER</c> to the connection; on a bad password it
/// answers AuthFailed or SessionClosedRequireSaslAuth and closes the session.
/// </summary>
internal static class SaslHandshake
{
    /// <summary><c>ZooDefs.OpCode.sasl</c>.</summary>
    public const int OpCodeSasl = 102;

    private const int MaxTokenFrame = 64 * 1024;

    /// <summary>
    /// Authenticates over <paramref name="channel"/>. Throws <see cref="ZooKeeperAuthenticationException"/> when the
    /// server refuses (naming the user, never the password), ConnectionLoss when the connection drops.
    /// </summary>
    public static async Task AuthenticateAsync(HandshakeChannel channel, ZooKeeperSaslCredentials credentials, Func<int> nextXid, CancellationToken cancellationToken)
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

    private static async Task<byte[]?> ExchangeAsync(HandshakeChannel channel, ZooKeeperSaslCredentials credentials, byte[] token, int xid, CancellationToken cancellationToken)
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
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.CredentialsRejected, server,
                $"SASL DIGEST-MD5 authentication of {credentials} refused ({(KeeperErrorCode)error}): unknown user or wrong password");
        }

        return reader.ReadBuffer();
    }
}
