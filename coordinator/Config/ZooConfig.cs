using System.Text;

namespace ZkMitosis.Coordinator.Config;

/// <summary>A member line of <c>zoo.cfg</c>: <c>server.ID=host:quorumPort:electionPort[:observer]</c>.</summary>
public sealed record ZooConfigMember(int Id, string Host, int QuorumPort, int ElectionPort, bool Observer)
{
    public string Line => $"server.{Id}={Host}:{QuorumPort}:{ElectionPort}{(Observer ? ":observer" : "")}";
}

/// <summary>
/// Edits <c>zoo.cfg</c> text: replaces the member lines and <c>peerType</c>, keeping every other line as it was
/// (dataDir, ports, 4lw whitelist, comments), so the operator's settings survive the migration.
/// </summary>
public static class ZooConfig
{
    /// <summary>The text with its <c>server.N</c> lines replaced by <paramref name="members"/> and <c>peerType</c> set or removed.</summary>
    public static string WithMembers(string original, IEnumerable<ZooConfigMember> members, bool observer)
    {
        var kept = new List<string>();
        foreach (var line in original.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var key = KeyOf(line);
            if (key is not null && (key.StartsWith("server.", StringComparison.Ordinal) || key == "peerType" || key == "dynamicConfigFile"))
            {
                continue;
            }

            kept.Add(line);
        }

        while (kept.Count > 0 && kept[^1].Length == 0)
        {
            kept.RemoveAt(kept.Count - 1);
        }

        var text = new StringBuilder();
        foreach (var line in kept)
        {
            text.Append(line).Append('\n');
        }

        if (observer)
        {
            text.Append("peerType=observer\n");
        }

        foreach (var member in members.OrderBy(m => m.Id))
        {
            text.Append(member.Line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The member lines of a <c>zoo.cfg</c> text.</summary>
    public static IReadOnlyList<ZooConfigMember> Members(string text)
    {
        var members = new List<ZooConfigMember>();
        foreach (var line in text.Split('\n'))
        {
            var key = KeyOf(line);
            if (key is null || !key.StartsWith("server.", StringComparison.Ordinal) || !int.TryParse(key["server.".Length..], out var id))
            {
                continue;
            }

            var value = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim();
            var address = value.Split(';')[0].Split(':');
            if (address.Length >= 3 && int.TryParse(address[1], out var quorum) && int.TryParse(address[2], out var election))
            {
                var observer = address.Length >= 4 && address[3] == "observer";
                members.Add(new ZooConfigMember(id, address[0], quorum, election, observer));
            }
        }

        return members;
    }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public static string? Value(string text, string key) =>
        text.Split('\n').Where(l => KeyOf(l) == key).Select(l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim()).LastOrDefault();

    private static string? KeyOf(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith('#'))
        {
            return null;
        }

        var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? trimmed[..equals].Trim() : null;
    }
}
