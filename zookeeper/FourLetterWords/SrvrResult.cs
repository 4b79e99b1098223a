using System.Globalization;

namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>The reply of <c>srvr</c> (or the AdminServer's <c>stats</c>): mode and last processed zxid among others.</summary>
public sealed record SrvrResult
{
    public required string Version { get; init; }

    public required ZooKeeperServerMode Mode { get; init; }

    /// <summary>The last zxid the server processed.</summary>
    public required long Zxid { get; init; }

    public long Connections { get; init; }

    public long Outstanding { get; init; }

    public long NodeCount { get; init; }

    public long Received { get; init; }

    public long Sent { get; init; }

    public long LatencyMin { get; init; }

    public double LatencyAvg { get; init; }

    public long LatencyMax { get; init; }

    /// <summary>Parses the text of a <c>srvr</c> reply.</summary>
    /// <exception cref="FormatException">the text is not a srvr reply (no <c>Mode:</c> or <c>Zxid:</c> line).</exception>
    public static SrvrResult Parse(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in reply.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }

        if (!fields.TryGetValue("Mode", out var mode) || !fields.TryGetValue("Zxid", out var zxid))
        {
            throw new FormatException($"not a srvr reply (no Mode or Zxid line): '{Shorten(reply)}'");
        }

        var (min, avg, max) = ParseLatency(fields.GetValueOrDefault("Latency min/avg/max"));
        return new SrvrResult
        {
            Version = fields.GetValueOrDefault("Zookeeper version") ?? "",
            Mode = ZooKeeperServerModes.Parse(mode),
            Zxid = ParseZxid(zxid),
            Connections = ParseLong(fields.GetValueOrDefault("Connections")),
            Outstanding = ParseLong(fields.GetValueOrDefault("Outstanding")),
            NodeCount = ParseLong(fields.GetValueOrDefault("Node count")),
            Received = ParseLong(fields.GetValueOrDefault("Received")),
            Sent = ParseLong(fields.GetValueOrDefault("Sent")),
            LatencyMin = min,
            LatencyAvg = avg,
            LatencyMax = max,
        };
    }

    /// <summary>Parses "0x1a2b" (srvr's form) or a decimal zxid.</summary>
    /// <exception cref="FormatException">not a zxid.</exception>
    public static long ParseZxid(string text)
    {
        var value = text.Trim();
        var ok = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed)
            : long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out parsed);
        return ok ? parsed : throw new FormatException($"'{text}' is not a zxid");
    }

    internal static long ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    internal static string Shorten(string text) => text.Length <= 200 ? text.Trim() : text[..200].Trim() + "…";

    private static (long Min, double Avg, long Max) ParseLatency(string? text)
    {
        var parts = text?.Split('/') ?? [];
        return parts.Length == 3
            ? (ParseLong(parts[0]), double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var avg) ? avg : 0, ParseLong(parts[2]))
            : (0, 0, 0);
    }
}
