using System.Globalization;
using System.Text;

namespace ZkMitosis.ZooKeeper.Config;

/// <summary>
/// A Java properties file (zoo.cfg, its dynamic file, Kafka's server.properties) read as <c>java.util.Properties.load</c>
/// reads it and edited so that every byte outside a changed value stays as it was: comments (<c>#</c>, <c>!</c>), blank
/// lines, ordering, <c>key = value</c> / <c>key:value</c> / <c>key value</c> spacing, trailing whitespace, line endings
/// (LF, CRLF, lone CR, mixed) and the presence or absence of a final line ending.
/// </summary>
/// <remarks>
/// Parsing follows <c>java.util.Properties.load(Reader)</c>: a line ending in an odd number of backslashes continues on
/// the next line (whose leading whitespace is skipped), the key ends at the first unescaped <c>=</c>, <c>:</c> or
/// whitespace, and escapes (<c>\t</c>, <c>\uXXXX</c>, <c>\x</c>) are decoded. Values are reported trimmed, as ZooKeeper's
/// <c>QuorumPeerConfig.parseProperties</c> and Kafka's <c>ConfigDef</c> trim them.
/// </remarks>
public sealed class PropertiesText
{
    private string _text;
    private List<Line> _lines;

    private PropertiesText(string text)
    {
        _text = text;
        _lines = Split(text);
    }

    /// <summary>One logical line: <see cref="Start"/>..<see cref="End"/> (terminator included) in the text; an entry has a key.</summary>
    private sealed record Line(int Start, int End, int Number, string? Key, string? Value, int ValueStart, int ValueEnd);

    /// <summary>Parses <paramref name="text"/>; never fails (a line that is not an entry is kept as it is).</summary>
    public static PropertiesText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new PropertiesText(text);
    }

    /// <summary>Every entry in file order (comments and blank lines skipped; later duplicates kept), keys and values decoded, values trimmed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries =>
        _lines.Where(l => l.Key is not null).Select(l => new KeyValuePair<string, string>(l.Key!, l.Value!)).ToList();

    /// <summary>Every entry with its 1-based line number (for error messages).</summary>
    public IReadOnlyList<(int LineNumber, string Key, string Value)> NumberedEntries =>
        _lines.Where(l => l.Key is not null).Select(l => (l.Number, l.Key!, l.Value!)).ToList();

    /// <summary>The last value of <paramref name="key"/> (as Java's Properties keeps the last), or null.</summary>
    public string? Get(string key) => _lines.LastOrDefault(l => l.Key == key)?.Value;

    /// <summary>
    /// Replaces the value of every entry of <paramref name="key"/> (a value continued over several lines is replaced
    /// whole), keeping every other byte; appends <c>key=value</c> when the key is absent, with the file's own line ending.
    /// <paramref name="value"/> is written as given: the caller must refuse what would need escaping (backslashes,
    /// control characters).
    /// </summary>
    public void Set(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var matches = _lines.Where(l => l.Key == key).ToList();
        if (matches.Count == 0)
        {
            var newline = FirstNewline(_text);
            var endsWithNewline = _text.Length == 0 || _text[^1] is '\n' or '\r';
            var appended = new StringBuilder(_text);
            if (!endsWithNewline)
            {
                appended.Append(newline);
            }

            appended.Append(key).Append('=').Append(value);
            if (endsWithNewline)
            {
                appended.Append(newline);
            }

            Reset(appended.ToString());
            return;
        }

        var text = new StringBuilder(_text);
        foreach (var line in Enumerable.Reverse(matches))
        {
            text.Remove(line.ValueStart, line.ValueEnd - line.ValueStart).Insert(line.ValueStart, value);
        }

        Reset(text.ToString());
    }

    /// <summary>Removes the lines (with their line endings) of <paramref name="key"/>; a key ending in '*' removes every key with that prefix.</summary>
    /// <returns>How many entries were removed.</returns>
    public int Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var prefix = key.EndsWith('*') ? key[..^1] : null;
        var matches = _lines.Where(l => l.Key is not null && (prefix is null ? l.Key == key : l.Key.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        var text = new StringBuilder(_text);
        foreach (var line in Enumerable.Reverse(matches))
        {
            text.Remove(line.Start, line.End - line.Start);
        }

        Reset(text.ToString());
        return matches.Count;
    }

    /// <summary>The file's text, byte for byte as parsed except for the edits made.</summary>
    public override string ToString() => _text;

    /// <summary>The file's first line ending, or LF when it has none.</summary>
    public static string FirstNewline(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.AsSpan().IndexOfAny('\r', '\n');
        return at < 0 ? "\n" : text[at] == '\n' ? "\n" : at + 1 < text.Length && text[at + 1] == '\n' ? "\r\n" : "\r";
    }

    private void Reset(string text)
    {
        _text = text;
        _lines = Split(text);
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\f';

    /// <summary>The end of the physical line starting at <paramref name="start"/> (before its terminator) and the terminator's length.</summary>
    private static (int ContentEnd, int TerminatorLength) PhysicalLine(string text, int start)
    {
        var at = text.AsSpan(start).IndexOfAny('\r', '\n');
        if (at < 0)
        {
            return (text.Length, 0);
        }

        var end = start + at;
        return (end, text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
    }

    private static List<Line> Split(string text)
    {
        var lines = new List<Line>();
        var position = 0;
        var number = 1;
        while (position < text.Length)
        {
            var start = position;
            var firstNumber = number;
            var (contentEnd, terminator) = PhysicalLine(text, position);
            var first = position;
            while (first < contentEnd && IsWhitespace(text[first]))
            {
                first++;
            }

            if (first == contentEnd || text[first] is '#' or '!')
            {
                position = contentEnd + terminator;
                number++;
                lines.Add(new Line(start, position, firstNumber, null, null, 0, 0));
                continue;
            }

            // The logical line: its characters and, for each, where it stands in the text (to replace the value in place).
            var logical = new StringBuilder();
            var origin = new List<int>();
            var segmentStart = first;
            while (true)
            {
                var backslashes = 0;
                for (var i = contentEnd - 1; i >= segmentStart && text[i] == '\\'; i--)
                {
                    backslashes++;
                }

                var continues = backslashes % 2 == 1 && terminator > 0 && contentEnd + terminator < text.Length;
                var segmentEnd = backslashes % 2 == 1 ? contentEnd - 1 : contentEnd;
                for (var i = segmentStart; i < segmentEnd; i++)
                {
                    logical.Append(text[i]);
                    origin.Add(i);
                }

                position = contentEnd + terminator;
                number++;
                if (!continues)
                {
                    break;
                }

                (contentEnd, terminator) = PhysicalLine(text, position);
                segmentStart = position;
                while (segmentStart < contentEnd && IsWhitespace(text[segmentStart]))
                {
                    segmentStart++;
                }
            }

            var lastContentEnd = contentEnd;
            origin.Add(lastContentEnd);
            lines.Add(Entry(logical.ToString(), origin, start, position, firstNumber, text, lastContentEnd));
        }

        return lines;
    }

    private static Line Entry(string logical, List<int> origin, int start, int end, int number, string text, int lastContentEnd)
    {
        // java.util.Properties.load: the key ends at the first unescaped '=', ':' or whitespace.
        var keyLength = 0;
        var valueStart = logical.Length;
        var hasSeparator = false;
        var precedingBackslash = false;
        while (keyLength < logical.Length)
        {
            var c = logical[keyLength];
            if (c is '=' or ':' && !precedingBackslash)
            {
                valueStart = keyLength + 1;
                hasSeparator = true;
                break;
            }

            if (IsWhitespace(c) && !precedingBackslash)
            {
                valueStart = keyLength + 1;
                break;
            }

            precedingBackslash = c == '\\' && !precedingBackslash;
            keyLength++;
        }

        while (valueStart < logical.Length)
        {
            var c = logical[valueStart];
            if (!IsWhitespace(c))
            {
                if (hasSeparator || c is not ('=' or ':'))
                {
                    break;
                }

                hasSeparator = true;
            }

            valueStart++;
        }

        var value = Decode(logical[valueStart..]).TrimEnd(' ', '\t', '\f');
        var rawValueStart = origin[valueStart];

        // The value's raw end: the last line's content without its trailing whitespace (kept on a replace).
        var rawValueEnd = lastContentEnd;
        while (rawValueEnd > rawValueStart && IsWhitespace(text[rawValueEnd - 1]))
        {
            rawValueEnd--;
        }

        return new Line(start, end, number, Decode(logical[..keyLength]), value.TrimStart(' ', '\t', '\f'), rawValueStart, Math.Max(rawValueStart, rawValueEnd));
    }

    /// <summary>java.util.Properties' <c>loadConvert</c>: <c>\t \n \r \f</c>, <c>\uXXXX</c>, and <c>\x</c> for any other x.</summary>
    private static string Decode(string raw)
    {
        if (!raw.Contains('\\', StringComparison.Ordinal))
        {
            return raw;
        }

        var decoded = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c != '\\' || i + 1 == raw.Length)
            {
                decoded.Append(c);
                continue;
            }

            c = raw[++i];
            if (c == 'u' && i + 4 < raw.Length && int.TryParse(raw.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                decoded.Append((char)code);
                i += 4;
                continue;
            }

            decoded.Append(c switch
            {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                'f' => '\f',
                _ => c,
            });
        }

        return decoded.ToString();
    }
}
