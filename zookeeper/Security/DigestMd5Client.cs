using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// The client side of SASL DIGEST-MD5 (RFC 2831) with quality of protection "auth", as ZooKeeper's servers run it
/// through Java's <c>Sasl.createSaslServer("DIGEST-MD5", "zookeeper", "zk-sasl-md5", …)</c>
/// (<c>ZooKeeperSaslServer</c>, users from <c>SaslServerCallbackHandler</c>). Two steps: the server's challenge
/// gives the response; the server's <c>rspauth</c> is then checked, which proves the server knows the password too.
/// No integrity or confidentiality layer (ZooKeeper never negotiates one). Not thread-safe; one per handshake.
/// </summary>
internal sealed class DigestMd5Client
{
    /// <summary>The protocol ZooKeeper's client names in its digest-uri (<c>ZooKeeperSaslClient</c>).</summary>
    public const string Service = "zookeeper";

    /// <summary>The server name ZooKeeper's client and server both use for DIGEST-MD5, and the server's realm.</summary>
    public const string ServerName = "zk-sasl-md5";

    private readonly ZooKeeperSaslCredentials _credentials;
    private readonly string _cnonce;
    private string? _expectedRspAuth;

    public DigestMd5Client(ZooKeeperSaslCredentials credentials, string? cnonce = null)
    {
        _credentials = credentials;
        _cnonce = cnonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    }

    /// <summary>The digest-uri sent: <c>zookeeper/zk-sasl-md5</c>.</summary>
    public string DigestUri { get; init; } = Service + "/" + ServerName;

    /// <summary>True once the server's rspauth was checked.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>
    /// The response to the server's first challenge. Throws <see cref="InvalidDataException"/> (one line, no secret)
    /// for a challenge that is not DIGEST-MD5 or does not offer qop "auth".
    /// </summary>
    public byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        var fields = Parse(Encoding.UTF8.GetString(challenge));
        if (!fields.TryGetValue("nonce", out var nonce) || nonce.Length == 0)
        {
            throw new InvalidDataException("the server's DIGEST-MD5 challenge has no nonce");
        }

        var qops = fields.TryGetValue("qop", out var qop) ? qop.Split(',', StringSplitOptions.TrimEntries) : ["auth"];
        if (!qops.Contains("auth"))
        {
            throw new InvalidDataException($"the server offers DIGEST-MD5 qop '{qop}' only; this client does 'auth'");
        }

        var utf8 = fields.TryGetValue("charset", out var charset) && charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
        var realm = fields.TryGetValue("realm", out var offered) ? offered : ServerName;
        const string nc = "00000001";
        var ha1 = HexMd5(Concat(
            Md5(Concat(Encode(_credentials.Username, utf8), [(byte)':'], Encode(realm, utf8), [(byte)':'], Encode(_credentials.Password, utf8))),
            Encoding.UTF8.GetBytes($":{nonce}:{_cnonce}")));
        string Digest(string a2) => HexMd5(Encoding.UTF8.GetBytes($"{ha1}:{nonce}:{nc}:{_cnonce}:auth:{HexMd5(Encoding.UTF8.GetBytes(a2))}"));
        _expectedRspAuth = Digest(":" + DigestUri);
        var response = new StringBuilder();
        if (utf8)
        {
            response.Append("charset=utf-8,");
        }

        response.Append(CultureInfo.InvariantCulture,
            $"username=\"{Quote(_credentials.Username)}\",realm=\"{Quote(realm)}\",nonce=\"{Quote(nonce)}\",nc={nc},cnonce=\"{Quote(_cnonce)}\",digest-uri=\"{Quote(DigestUri)}\",maxbuf=65536,response={Digest("AUTHENTICATE:" + DigestUri)},qop=auth");
        return Encoding.UTF8.GetBytes(response.ToString());
    }

    /// <summary>Checks the server's final message (<c>rspauth=…</c>); false when it does not match.</summary>
    public bool VerifyServer(ReadOnlySpan<byte> message)
    {
        var fields = Parse(Encoding.UTF8.GetString(message));
        IsComplete = _expectedRspAuth is not null && fields.TryGetValue("rspauth", out var rspauth)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(rspauth), Encoding.ASCII.GetBytes(_expectedRspAuth));
        return IsComplete;
    }

    /// <summary>RFC 2831 2.1.2.1: with charset=utf-8, a string that fits ISO 8859-1 is hashed in ISO 8859-1.</summary>
    private static byte[] Encode(string value, bool utf8) =>
        !utf8 || value.All(c => c <= '\u00ff') ? Encoding.Latin1.GetBytes(value) : Encoding.UTF8.GetBytes(value);

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }

        return result;
    }

    // MD5 is what RFC 2831 specifies; no choice here (CA5351 does not apply to a protocol's fixed hash).
#pragma warning disable CA5351
    private static byte[] Md5(byte[] data) => MD5.HashData(data);
#pragma warning restore CA5351

    private static string HexMd5(byte[] data) => Convert.ToHexStringLower(Md5(data));

    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>Parses <c>key=value,key="quoted, value"</c>; a repeated key keeps its first value.</summary>
    internal static Dictionary<string, string> Parse(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var equals = text.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }

            var key = text[i..equals].Trim();
            i = equals + 1;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i++]);
                }

                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    value.Append(text[i++]);
                }
            }

            fields.TryAdd(key, value.ToString().Trim());
        }

        return fields;
    }
}
