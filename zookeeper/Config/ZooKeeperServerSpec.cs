using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ZkMitosis.ZooKeeper.Config;

/// <summary>
/// One member line of zoo.cfg or its dynamic file, as ZooKeeper 3.5+ reads it (<c>QuorumPeer.QuorumServer</c>):
/// <c>server.N=host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort]</c>. An IPv6 address
/// is written in brackets (<c>[2001:db8::1]:2888:3888</c>); <see cref="Host"/> and <see cref="ClientAddress"/> hold it
/// without them.
/// </summary>
/// <param name="Id">The N of <c>server.N</c> (ZooKeeper's sid).</param>
/// <param name="Host">Host name or address (IPv6 without brackets).</param>
/// <param name="QuorumPort">Port followers connect to the leader on.</param>
/// <param name="ElectionPort">Leader election port.</param>
/// <param name="Observer">True for <c>:observer</c>; <c>:participant</c> and no role are voters.</param>
/// <param name="ClientAddress">The client address after <c>;</c>, when given.</param>
/// <param name="ClientPort">The client port after <c>;</c>, when given.</param>
public sealed record ZooKeeperServerSpec(long Id, string Host, int QuorumPort, int ElectionPort, bool Observer, string? ClientAddress = null, int? ClientPort = null)
{
    /// <summary>The key prefix of member lines.</summary>
    public const string KeyPrefix = "server.";

    /// <summary><c>observer</c> or <c>participant</c>.</summary>
    public string Role => Observer ? "observer" : "participant";

    /// <summary>The key, <c>server.N</c>.</summary>
    public string Key => KeyPrefix + Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The value as ZooKeeper writes it: brackets around IPv6, <c>:observer</c> only for observers (a line without a role is
    /// a participant, and older parsers know no <c>:participant</c>), the client part only when known.
    /// </summary>
    public string Value
    {
        get
        {
            var value = $"{Bracket(Host)}:{QuorumPort.ToString(CultureInfo.InvariantCulture)}:{ElectionPort.ToString(CultureInfo.InvariantCulture)}{(Observer ? ":observer" : "")}";
            if (ClientPort is { } port)
            {
                value += ";" + (ClientAddress is null ? "" : Bracket(ClientAddress) + ":") + port.ToString(CultureInfo.InvariantCulture);
            }

            return value;
        }
    }

    /// <summary>The whole line, <c>server.N=…</c>.</summary>
    public string Line => Key + "=" + Value;

    /// <summary>The N of a <c>server.N</c> key, or null when <paramref name="key"/> is not a member key.</summary>
    public static long? IdOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(KeyPrefix, StringComparison.Ordinal)
            && long.TryParse(key.AsSpan(KeyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }

    /// <summary>Parses the value of <c>server.<paramref name="id"/></c>.</summary>
    /// <exception cref="FormatException">not a member spec; the message names the line and what is wrong.</exception>
    public static ZooKeeperServerSpec Parse(long id, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var line = $"server.{id}={value}";
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var serverPart = semicolon < 0 ? value : value[..semicolon];
        var (host, rest) = SplitHost(serverPart, line);
        var fields = rest.Split(':');
        if (fields.Length is < 2 or > 3)
        {
            throw new FormatException($"{line}: expected host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort] (an IPv6 address needs brackets)");
        }

        var quorum = Port(fields[0], line, "quorum port");
        var election = Port(fields[1], line, "election port");
        var observer = fields.Length == 3 && fields[2] switch
        {
            "observer" => true,
            "participant" => false,
            _ => throw new FormatException($"{line}: role '{fields[2]}' is neither participant nor observer"),
        };

        string? clientAddress = null;
        int? clientPort = null;
        if (semicolon >= 0)
        {
            var client = value[(semicolon + 1)..].Trim();
            if (client.StartsWith('[') || client.Contains(':', StringComparison.Ordinal))
            {
                var (address, portText) = SplitHost(client, line);
                clientAddress = address;
                clientPort = Port(portText, line, "client port");
            }
            else
            {
                clientPort = Port(client, line, "client port");
            }
        }

        return new ZooKeeperServerSpec(id, host, quorum, election, observer, clientAddress, clientPort);
    }

    /// <summary>Brackets an IPv6 address (as in a host:port pair); other hosts as they are.</summary>
    public static string Bracket(string host) => Connection.HostEndpoint.Bracketed(host);

    /// <summary>
    /// <c>[v6]:rest</c> or <c>host:rest</c>: the host without brackets and what follows its colon. An unbracketed host with
    /// more colons than the spec allows is an IPv6 address without brackets, which ZooKeeper refuses.
    /// </summary>
    private static (string Host, string Remainder) SplitHost(string text, string line)
    {
        text = text.Trim();
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                throw new FormatException($"{line}: '{text}' opens a bracket without ']:' after the address");
            }

            var address = text[1..close];
            if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new FormatException($"{line}: '[{address}]' is not an IPv6 address");
            }

            return (address, text[(close + 2)..]);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new FormatException($"{line}: no host before ':'");
        }

        var host = text[..colon];
        if (IPAddress.TryParse(text, out var whole) && whole.AddressFamily == AddressFamily.InterNetworkV6)
        {
            throw new FormatException($"{line}: '{text}' is an IPv6 address without brackets; write [address]:port");
        }

        return (host, text[(colon + 1)..]);
    }

    private static int Port(string text, string line, string what) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"{line}: {what} '{text}' is not 1-65535");
}
