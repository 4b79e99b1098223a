using System.Globalization;

namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>
/// The reply of <c>conf</c> (or the AdminServer's <c>configuration</c>): the running configuration, including
/// <c>server.N</c> membership lines and the config <c>version</c> when the server runs in a quorum.
/// </summary>
public sealed record ConfResult(IReadOnlyList<KeyValuePair<string, string>> Entries)
{
    /// <summary>The first value of <paramref name="key"/>, or null.</summary>
    public string? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;

    /// <summary>The server's id (<c>serverId</c>), 0 for a standalone server.</summary>
    public long ServerId => SrvrResult.ParseLong(this["serverId"]);

    public int ClientPort => (int)SrvrResult.ParseLong(this["clientPort"]);

    /// <summary>The data dir the server uses (ZooKeeper reports it with its <c>version-2</c> suffix).</summary>
    public string? DataDir => this["dataDir"];

    public string? DataLogDir => this["dataLogDir"];

    /// <summary><c>server.N=…</c> lines: id → the spec after '='.</summary>
    public IReadOnlyDictionary<long, string> Servers =>
        Entries.Where(e => e.Key.StartsWith("server.", StringComparison.Ordinal)
                           && long.TryParse(e.Key.AsSpan("server.".Length), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .GroupBy(e => long.Parse(e.Key.AsSpan("server.".Length), CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.First().Value);

    /// <summary>Parses <c>key=value</c> lines; other lines (such as <c>membership:</c>) are skipped.</summary>
    /// <exception cref="FormatException">no line has that shape.</exception>
    public static ConfResult Parse(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var rawLine in reply.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                entries.Add(new(line[..equals].Trim(), line[(equals + 1)..].Trim()));
            }
        }

        return entries.Count > 0 ? new ConfResult(entries) : throw new FormatException($"not a conf reply (no key=value line): '{SrvrResult.Shorten(reply)}'");
    }
}
