using System.Text;

namespace ZkMitosis.Agent.Files;

/// <summary>
/// A <c>key=value</c> file (zoo.cfg, server.properties) edited line by line: lines that are not touched keep every byte,
/// including comments, blank lines, ordering, whitespace and the line endings.
/// </summary>
public sealed class PropertiesText
{
    private readonly List<string> _lines;
    private readonly string _newline;
    private readonly bool _endsWithNewline;

    private PropertiesText(List<string> lines, string newline, bool endsWithNewline)
    {
        _lines = lines;
        _newline = newline;
        _endsWithNewline = endsWithNewline;
    }

    public static PropertiesText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var endsWithNewline = text.Length == 0 || text.EndsWith('\n');
        var body = endsWithNewline && text.Length > 0 ? text[..^newline.Length] : text;
        var lines = text.Length == 0 ? [] : body.Split(newline).ToList();
        return new PropertiesText(lines, newline, endsWithNewline);
    }

    /// <summary>Every <c>key=value</c> in file order (comments and blank lines skipped; later duplicates kept).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries =>
        _lines.Select(TryParse).Where(e => e is not null).Select(e => e!.Value).ToList();

    /// <summary>The last value of <paramref name="key"/> (as Java's Properties does), or null.</summary>
    public string? Get(string key) => Entries.LastOrDefault(e => e.Key == key).Value;

    /// <summary>Replaces the value of <paramref name="key"/> on its line(s), keeping the rest of the line, or appends it.</summary>
    public void Set(string key, string value)
    {
        var found = false;
        for (var i = 0; i < _lines.Count; i++)
        {
            var line = _lines[i];
            if (TryParse(line) is { } entry && entry.Key == key)
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                var afterEquals = line[(equals + 1)..];
                var leading = afterEquals[..(afterEquals.Length - afterEquals.TrimStart().Length)];
                _lines[i] = line[..(equals + 1)] + leading + value;
                found = true;
            }
        }

        if (!found)
        {
            _lines.Add($"{key}={value}");
        }
    }

    /// <summary>Removes the lines of <paramref name="key"/>; a key ending in '*' removes every key with that prefix.</summary>
    public int Remove(string key)
    {
        var prefix = key.EndsWith('*') ? key[..^1] : null;
        return _lines.RemoveAll(line => TryParse(line) is { } entry && (prefix is null ? entry.Key == key : entry.Key.StartsWith(prefix, StringComparison.Ordinal)));
    }

    public override string ToString()
    {
        var text = new StringBuilder(string.Join(_newline, _lines));
        if (_endsWithNewline && _lines.Count > 0)
        {
            text.Append(_newline);
        }

        return text.ToString();
    }

    private static KeyValuePair<string, string>? TryParse(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.Length == 0 || trimmed[0] is '#' or '!')
        {
            return null;
        }

        var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        return equals <= 0 ? null : new KeyValuePair<string, string>(trimmed[..equals].Trim(), trimmed[(equals + 1)..].Trim());
    }
}
