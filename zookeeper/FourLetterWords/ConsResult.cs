using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>One client connection of <c>cons</c>: who is connected and with which session.</summary>
public sealed record ClientConnectionInfo
{
    /// <summary>The client's address as the server sees it, in <see cref="HostEndpoint.CanonicalHost"/> form (IPv6 without brackets).</summary>
    public required string Address { get; init; }

    public required int Port { get; init; }

    /// <summary>0 when the connection has no session (the <c>cons</c> connection itself, or a handshake in progress).</summary>
    public long SessionId { get; init; }

    public long Queued { get; init; }

    public long Received { get; init; }

    public long Sent { get; init; }

    /// <summary>Negotiated session timeout in ms, 0 when unknown.</summary>
    public long TimeoutMs { get; init; }

    /// <summary>Every <c>key=value</c> in the parentheses, as reported.</summary>
    public required IReadOnlyDictionary<string, string> Fields { get; init; }

    /// <summary>The line as reported.</summary>
    public required string Raw { get; init; }
}

/// <summary>The reply of <c>cons</c> (or the AdminServer's <c>connections</c>).</summary>
public sealed record ConsResult(IReadOnlyList<ClientConnectionInfo> Connections)
{
    /// <summary>Connections that carry a session.</summary>
    public IEnumerable<ClientConnectionInfo> WithSession => Connections.Where(c => c.SessionId != 0);

    /// <summary>
    /// Parses lines like <c> /127.0.0.1:56414[1](queued=0,recved=1,sent=1,sid=0x100000b330a0000,…)</c>.
    /// </summary>
    /// <exception cref="FormatException">a non-empty line does not have that shape.</exception>
    public static ConsResult Parse(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var connections = new List<ClientConnectionInfo>();
        foreach (var rawLine in reply.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            connections.Add(ParseLine(line));
        }

        return new ConsResult(connections);
    }

    private static ClientConnectionInfo ParseLine(string line)
    {
        // The '[' of the interest ops is the last one before '(': an IPv6 client address brings its own brackets first.
        var paren = line.IndexOf('(', StringComparison.Ordinal);
        var open = paren < 0 ? -1 : line.LastIndexOf('[', paren);
        if (!line.StartsWith('/') || open < 0 || !line.EndsWith(')'))
        {
            throw new FormatException($"not a cons line: '{SrvrResult.Shorten(line)}'");
        }

        if (HostEndpoint.FromSocketAddress(line[..open]) is not { } endpoint)
        {
            throw new FormatException($"cons line without address:port: '{SrvrResult.Shorten(line)}'");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in line[(paren + 1)..^1].Split(','))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return new ClientConnectionInfo
        {
            Address = endpoint.Host,
            Port = endpoint.Port,
            SessionId = fields.TryGetValue("sid", out var sid) ? SrvrResult.ParseZxid(sid) : 0,
            Queued = SrvrResult.ParseLong(fields.GetValueOrDefault("queued")),
            Received = SrvrResult.ParseLong(fields.GetValueOrDefault("recved")),
            Sent = SrvrResult.ParseLong(fields.GetValueOrDefault("sent")),
            TimeoutMs = SrvrResult.ParseLong(fields.GetValueOrDefault("to")),
            Fields = fields,
            Raw = line,
        };
    }
}
