using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>
/// One <c>host:port</c> address: a server of a connect string, an agent's address, a probe target. An IPv6 address is
/// written in brackets (<c>[fd00::11]:2181</c>, as ZooKeeper's <c>NetUtils.getIPV6HostAndPort</c> and
/// <c>ConfigUtils.getHostAndPort</c> read it); <see cref="Host"/> holds it without them. The one parser and renderer of
/// host:port pairs: nothing else splits them by hand.
/// </summary>
/// <param name="Host">A name or address, without brackets.</param>
/// <param name="Port">The port (1-65535).</param>
public sealed record HostEndpoint(string Host, int Port)
{
    /// <summary><c>host:port</c>, with an IPv6 address in brackets.</summary>
    public override string ToString() => $"{Bracketed(Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary><paramref name="host"/> in brackets when it is an IPv6 address (it holds a ':'), else as it is.</summary>
    public static string Bracketed(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
    }

    /// <summary>Parses one <c>host[:port]</c> item of the connect string <paramref name="whole"/> (named in errors); the port defaults to 2181.</summary>
    /// <exception cref="ArgumentException">An empty host, an unclosed '[', an IPv6 address without brackets, or a bad port.</exception>
    public static HostEndpoint Parse(string item, string whole) =>
        TryParse(item, ConnectionString.DefaultPort, out var endpoint, out var problem)
            ? endpoint
            : throw new ArgumentException($"{problem} in connection string '{whole}'", nameof(whole));

    /// <summary>
    /// Parses <c>host:port</c>, <c>[v6]:port</c>, or — when <paramref name="defaultPort"/> is given — a host alone.
    /// An unbracketed host with more than one ':' is refused: <c>fd00::11:7443</c> could be port 7443 of fd00::11 or the
    /// address fd00::11:7443, and ZooKeeper's own parsers would take the last group as the port.
    /// </summary>
    /// <param name="text">The address.</param>
    /// <param name="defaultPort">The port taken when none is written; null: a port is required.</param>
    /// <param name="endpoint">The address, when it parses.</param>
    /// <param name="problem">One line naming what is wrong, when it does not.</param>
    public static bool TryParse(string? text, int? defaultPort, [NotNullWhen(true)] out HostEndpoint? endpoint, out string problem)
    {
        endpoint = null;
        // No trimming: "h:7443\n" is not an address (a trailing newline must not slip into a plan or a rule).
        var item = text ?? "";
        if (item.Any(char.IsControl))
        {
            // Not echoed: the problem is one line, and the text is a caller's.
            problem = "the address holds a control character (a newline?)";
            return false;
        }

        string host;
        string? portText = null;
        if (item.StartsWith('['))
        {
            var close = item.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                problem = $"unclosed '[' in '{item}'";
                return false;
            }

            host = item[1..close];
            var rest = item[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    problem = $"'{item}': expected ':' and a port after ']'";
                    return false;
                }

                portText = rest[1..];
            }
        }
        else
        {
            var colons = item.Count(c => c == ':');
            if (colons > 1)
            {
                problem = $"'{item}' is an IPv6 address without brackets: write [address]:port, e.g. [fd00::11]:2181";
                return false;
            }

            var colon = item.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? item : item[..colon];
            portText = colon < 0 ? null : item[(colon + 1)..];
        }

        if (host.Length == 0 || host.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            problem = $"no host in '{item}'";
            return false;
        }

        int port;
        if (portText is null)
        {
            if (defaultPort is not { } fallback)
            {
                problem = $"'{item}' has no port: write host:port (an IPv6 address as [address]:port)";
                return false;
            }

            port = fallback;
        }
        else if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            problem = $"bad port in '{item}' (1-65535)";
            return false;
        }

        endpoint = new HostEndpoint(host, port);
        problem = "";
        return true;
    }

    /// <summary>Parses <c>host:port</c> or <c>[v6]:port</c>, the port required.</summary>
    /// <exception cref="FormatException">not such an address; the message is one line naming what is wrong.</exception>
    public static HostEndpoint ParseWithPort(string text) =>
        TryParse(text, null, out var endpoint, out var problem) ? endpoint : throw new FormatException(problem);

    /// <summary>
    /// A host in one form for comparisons: an IP address as .NET prints it (IPv6 compressed and lower case, so
    /// <c>fd00:0:0:0:0:0:0:31</c> as Java prints it and <c>fd00::31</c> as a plan writes it are one host), a name in lower case.
    /// </summary>
    public static string CanonicalHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim();
        if (bare.StartsWith('[') && bare.EndsWith(']'))
        {
            bare = bare[1..^1];
        }

        return !bare.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(bare, out var address)
            ? address.ToString()
            : bare.ToLowerInvariant();
    }

    /// <summary>
    /// Parses a socket address as Java's <c>InetSocketAddress.toString()</c> prints it in ZooKeeper's <c>cons</c> and
    /// AdminServer replies: <c>/10.0.0.5:41234</c>, <c>name/10.0.0.5:41234</c>, <c>/[fd00:0:0:0:0:0:0:31]:41234</c> (JDK 14+)
    /// or <c>/fd00:0:0:0:0:0:0:31:41234</c> (older JDKs; the port is always there, so the last ':' ends the address).
    /// The host comes back in <see cref="CanonicalHost"/> form.
    /// </summary>
    /// <returns>The address, or null when <paramref name="text"/> is not one.</returns>
    public static HostEndpoint? FromSocketAddress(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var literal = text.Trim();
        literal = literal[(literal.LastIndexOf('/') + 1)..];
        string host;
        string portText;
        if (literal.StartsWith('['))
        {
            var close = literal.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }

            host = literal[1..close];
            portText = literal[(close + 2)..];
        }
        else
        {
            var colon = literal.LastIndexOf(':');
            if (colon <= 0)
            {
                return null;
            }

            host = literal[..colon];
            portText = literal[(colon + 1)..];
        }

        return int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 && host.Length > 0
            ? new HostEndpoint(CanonicalHost(host), port)
            : null;
    }
}
