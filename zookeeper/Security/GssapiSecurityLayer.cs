namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// The security-layer negotiation that ends SASL GSSAPI (RFC 4752 section 3.1), in cleartext (the GSS wrap around
/// it is the caller's): once the Kerberos context is established the server offers 4 octets, a bit mask of the
/// layers it supports and, big-endian in the next 3, the largest message it accepts; the client answers with the
/// one layer it chose, its own maximum (0 without a layer) and optionally an authorization id. Java's
/// <c>GssKrb5Server</c>, which ZooKeeper's servers run, offers the layers of its <c>javax.security.sasl.qop</c>
/// ("auth" by default: no layer only). This client never takes a layer: ZooKeeper's traffic after SASL is not
/// wrapped (ZooKeeper's client asks for no qop either).
/// </summary>
internal static class GssapiSecurityLayer
{
    /// <summary>Bit of "no security layer" (RFC 4752: 1).</summary>
    public const byte None = 0x01;

    /// <summary>Bit of the integrity layer (RFC 4752: 2).</summary>
    public const byte Integrity = 0x02;

    /// <summary>Bit of the confidentiality layer (RFC 4752: 4).</summary>
    public const byte Confidentiality = 0x04;

    /// <summary>Length of the offer and of the answer without authorization id, in octets.</summary>
    public const int Length = 4;

    /// <summary>
    /// Reads the server's unwrapped offer: the layer bit mask and the largest message it accepts, in bytes.
    /// </summary>
    /// <param name="offer">The cleartext of the server's wrapped offer.</param>
    /// <exception cref="InvalidDataException">The offer is not 4 octets (RFC 4752: the client then fails).</exception>
    public static (byte Layers, int MaxMessageBytes) ReadOffer(ReadOnlySpan<byte> offer)
    {
        if (offer.Length != Length)
        {
            throw new InvalidDataException($"the server's GSSAPI security-layer offer has {offer.Length} octets, RFC 4752 says 4");
        }

        return (offer[0], (offer[1] << 16) | (offer[2] << 8) | offer[3]);
    }

    /// <summary>
    /// The answer choosing no security layer: octet <see cref="None"/>, a maximum message size of 0 (RFC 4752: it
    /// MUST be 0 without a layer) and no authorization id, so the server authorizes the authenticated principal.
    /// </summary>
    /// <param name="offeredLayers">The bit mask the server offered.</param>
    /// <exception cref="InvalidDataException">The server does not offer "no security layer" (its qop requires auth-int or auth-conf).</exception>
    public static byte[] ChooseNoLayer(byte offeredLayers)
    {
        if ((offeredLayers & None) == 0)
        {
            throw new InvalidDataException($"the server requires a SASL GSSAPI security layer (offer 0x{offeredLayers:x2}: javax.security.sasl.qop auth-int or auth-conf), and this client speaks without one");
        }

        var answer = new byte[Length];
        answer[0] = None;
        return answer;
    }
}
