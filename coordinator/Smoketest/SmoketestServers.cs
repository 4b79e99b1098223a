using System.Globalization;

namespace ZkMitosis.Coordinator.Smoketest;

/// <summary>The server list of a smoketest, from <c>--servers</c> or from a zoo.cfg.</summary>
public static class SmoketestServers
{
    /// <summary><c>host:port,host:port</c> (a <c>/chroot</c> suffix is ignored).</summary>
    /// <exception cref="FormatException">an entry is not host:port.</exception>
    public static IReadOnlyList<string> Parse(string servers)
    {
        var slash = servers.IndexOf('/', StringComparison.Ordinal);
        var list = (slash < 0 ? servers : servers[..slash]).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var server in list)
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new FormatException($"'{server}' is not host:port");
            }
        }

        return list.Length > 0 ? list : throw new FormatException("no servers given");
    }

    /// <summary>
    /// The client addresses of every server of a zoo.cfg: <c>server.N=host:quorum:election[:role][;[address:]port]</c>,
    /// else the host of the <c>server.N</c> line with <c>clientPort</c>. A standalone config gives
    /// <c>clientPortAddress</c> (or 127.0.0.1) with <c>clientPort</c>.
    /// </summary>
    /// <exception cref="FormatException">no client port can be found.</exception>
    public static IReadOnlyList<string> FromZooCfg(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var members = new List<(string Host, string? Client)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.IndexOf('=', StringComparison.Ordinal) is not (var eq and > 0))
            {
                continue;
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (key.StartsWith("server.", StringComparison.Ordinal))
            {
                var parts = value.Split(';', 2);
                members.Add((parts[0].Split(':')[0], parts.Length > 1 ? parts[1].Trim() : null));
            }
            else
            {
                values[key] = value;
            }
        }

        values.TryGetValue("clientPort", out var clientPort);
        if (members.Count == 0)
        {
            return clientPort is null
                ? throw new FormatException("the config has neither server.N lines nor clientPort")
                : [$"{values.GetValueOrDefault("clientPortAddress", "127.0.0.1")}:{clientPort}"];
        }

        return [.. members.Select(m => m.Client switch
        {
            { } c when c.Contains(':', StringComparison.Ordinal) => c.StartsWith("0.0.0.0:", StringComparison.Ordinal) ? m.Host + c[7..] : c,
            { } port => $"{m.Host}:{port}",
            null when clientPort is not null => $"{m.Host}:{clientPort}",
            _ => throw new FormatException($"no client port for server {m.Host}: add clientPort or ';port' to its server line"),
        })];
    }
}
