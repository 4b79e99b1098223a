using System.Buffers;
using System.Net.Security;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// SASL GSSAPI (Kerberos v5, RFC 4752) authentication of a fresh session, as ZooKeeper's <c>ZooKeeperSaslClient</c>
/// runs it: the server principal is <c>SERVICE/HOST</c> (<c>SaslServerPrincipal</c>: service
/// <c>zookeeper.sasl.client.username</c>, default <c>zookeeper</c>, and the host connected to; the realm is krb5's
/// mapping of that host), the tokens of the GSS context go in the same sasl requests (op 102) as DIGEST-MD5's, the
/// first one being the context's initial token (GSSAPI has an initial response). Mutual authentication is required,
/// so the server's reply proves it holds its principal's key. Once the context is established the client sends an
/// empty response, the server (Java's <c>GssKrb5Server</c>) a wrapped security-layer offer, and the client a wrapped
/// answer taking no layer (<see cref="GssapiSecurityLayer"/>). GSS calls go through .NET's
/// <see cref="NegotiateAuthentication"/> (package Kerberos) to the system's libgssapi_krb5, with the ticket
/// <see cref="KerberosLogin"/> got from the keytab. The host is used as written in the connect string (Java's client
/// may canonicalize it through DNS, <c>zookeeper.sasl.client.canonicalize.hostname</c>; this one does not).
/// </summary>
internal static class GssapiHandshake
{
    public static async Task AuthenticateAsync(HandshakeChannel channel, string host, ZooKeeperSaslCredentials credentials, Func<int> nextXid, CancellationToken cancellationToken)
    {
        var target = $"{credentials.ServiceName}/{host}";
        var (context, token, status) = KerberosLogin.WithTicket(credentials, channel.Server, TimeProvider.System, () =>
        {
            // Default credentials: the ticket WithTicket put in this thread's credential cache.
            var gss = new NegotiateAuthentication(new NegotiateAuthenticationClientOptions
            {
                Package = "Kerberos",
                TargetName = target,
                RequiredProtectionLevel = ProtectionLevel.Sign,
                RequireMutualAuthentication = true,
            });
            var initial = gss.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out var code);
            return (gss, initial, code);
        });
        using var _ = context;
        if (status is not (NegotiateAuthenticationStatusCode.ContinueNeeded or NegotiateAuthenticationStatusCode.Completed))
        {
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.KerberosLoginFailed, channel.Server,
                $"{credentials} logged in, but got no Kerberos ticket for the server {target} ({status}): is that principal in the KDC, and is {host} the host name in it?");
        }

        var reply = await SaslHandshake.ExchangeAsync(channel, credentials, token ?? [], nextXid(), cancellationToken).ConfigureAwait(false);
        while (!context.IsAuthenticated)
        {
            if (reply is null || reply.Length == 0)
            {
                throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.MechanismUnavailable, channel.Server,
                    $"the server answered the Kerberos token of {credentials} with nothing: it has no SASL login configured (JAAS Server section with Krb5LoginModule, authProvider SASLAuthenticationProvider)");
            }

            token = context.GetOutgoingBlob(reply, out status);
            if (status is not (NegotiateAuthenticationStatusCode.ContinueNeeded or NegotiateAuthenticationStatusCode.Completed))
            {
                throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.MechanismUnavailable, channel.Server, IsDigestChallenge(reply)
                    ? $"the server answered the Kerberos token of {credentials} with a SASL DIGEST-MD5 challenge: it runs DIGEST-MD5, not Kerberos (its JAAS Server section has no Krb5LoginModule)"
                    : $"SASL GSSAPI for {credentials}: the server's reply is not a Kerberos reply of {target} ({status}): it runs another mechanism, not Kerberos, or another principal");
            }

            // Once established (mutual authentication checked), an empty response asks for the security-layer offer.
            reply = await SaslHandshake.ExchangeAsync(channel, credentials, token ?? [], nextXid(), cancellationToken).ConfigureAwait(false);
        }

        var answer = Answer(context, reply, channel.Server, credentials);
        await SaslHandshake.ExchangeAsync(channel, credentials, answer, nextXid(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A DIGEST-MD5 challenge (RFC 2831) is text with a nonce; a Kerberos reply is DER and never is.</summary>
    private static bool IsDigestChallenge(byte[] reply) =>
        System.Text.Encoding.UTF8.GetString(reply).Contains("nonce=", StringComparison.Ordinal);

    /// <summary>Unwraps the server's security-layer offer and wraps the answer taking no layer (RFC 4752 section 3.1).</summary>
    private static byte[] Answer(NegotiateAuthentication context, byte[]? offer, string server, ZooKeeperSaslCredentials credentials)
    {
        var clear = new ArrayBufferWriter<byte>(GssapiSecurityLayer.Length);
        if (offer is null || context.Unwrap(offer, clear, out _) != NegotiateAuthenticationStatusCode.Completed)
        {
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.MechanismUnavailable, server,
                $"SASL GSSAPI for {credentials}: the server's security-layer offer is not a GSS wrap token of this context");
        }

        byte[] choice;
        try
        {
            choice = GssapiSecurityLayer.ChooseNoLayer(GssapiSecurityLayer.ReadOffer(clear.WrittenSpan).Layers);
        }
        catch (InvalidDataException e)
        {
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.MechanismUnavailable, server, $"SASL GSSAPI for {credentials}: {e.Message}");
        }

        var wrapped = new ArrayBufferWriter<byte>(64);
        if (context.Wrap(choice, wrapped, requestEncryption: false, out _) != NegotiateAuthenticationStatusCode.Completed)
        {
            throw new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.MechanismUnavailable, server,
                $"SASL GSSAPI for {credentials}: the security-layer answer could not be wrapped");
        }

        return wrapped.WrittenSpan.ToArray();
    }
}
