using System.Text;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Coordinator.Config;

/// <summary>
/// Edits <c>zoo.cfg</c> text: replaces the member lines and <c>peerType</c>, keeping every other line as it was
/// (dataDir, ports, 4lw whitelist, comments), so the operator's settings survive the migration.
/// </summary>
public static class ZooConfig
{
    /// <summary>The text with its <c>server.N</c> lines replaced by <paramref name="members"/> and <c>peerType</c> set or removed.</summary>
    public static string WithMembers(string original, IEnumerable<ZooKeeperServerSpec> members, bool observer)
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

    /// <summary>The member lines of a <c>zoo.cfg</c> text, read by the shared model (IPv6 in brackets, roles, client addresses).</summary>
    /// <exception cref="FormatException">a <c>server.N</c> line is not a member spec ZooKeeper would accept; the message names it.</exception>
    public static IReadOnlyList<ZooKeeperServerSpec> Members(string text)
    {
        var members = new List<ZooKeeperServerSpec>();
        foreach (var line in text.Split('\n'))
        {
            if (KeyOf(line) is { } key && ZooKeeperServerSpec.IdOf(key) is { } id)
            {
                members.Add(ZooKeeperServerSpec.Parse(id, line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim()));
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
