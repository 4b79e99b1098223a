using System.Text.RegularExpressions;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>
/// A key of a YAML block mapping, named by its path (<c>a.b.c</c>: <c>a:</c>, then <c>b:</c> indented under it, then
/// <c>c:</c>), read line by line so comments, blank lines, ordering and every other key stay byte for byte. The value
/// keeps its style: double-quoted (escaped), single-quoted (quotes doubled) or plain (refused when a plain scalar
/// could not hold it, e.g. an IPv6 '[' at the start would open a flow sequence). Block scalars, flow mappings and keys
/// inside sequences are not looked into.
/// </summary>
internal sealed partial class YamlConnectFile : IConnectStringFile
{
    public ConnectStringFormat Format => ConnectStringFormat.Yaml;

    private sealed record Entry(int Line, int ValueStart, int ValueEnd, char Style, string Raw);

    public string Read(string text, ConnectStringLocation location)
    {
        var entry = Find(text, location.Key);
        return entry.Style switch
        {
            '"' => Regex.Unescape(entry.Raw[1..^1]),
            '\'' => entry.Raw[1..^1].Replace("''", "'", StringComparison.Ordinal),
            _ => entry.Raw,
        };
    }

    public string Write(string text, ConnectStringLocation location, ConnectionString target)
    {
        var entry = Find(text, location.Key);
        var value = ConnectStringFileFormats.Format(target);
        var written = entry.Style switch
        {
            '"' => '"' + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + '"',
            '\'' => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'",
            _ => PlainPattern().IsMatch(value) && !value.EndsWith(':')
                ? value
                : throw new ConnectStringFileException(ConnectStringFileProblem.ValueRefused, $"'{value}' cannot be a plain YAML scalar; quote the value in the file"),
        };
        return string.Concat(text.AsSpan(0, entry.ValueStart), written, text.AsSpan(entry.ValueEnd));
    }

    private static Entry Find(string text, string path)
    {
        var matches = new List<Entry>();
        var parents = new List<(int Indent, string Key)>();
        var position = 0;
        var line = 1;
        while (position < text.Length)
        {
            var end = text.AsSpan(position).IndexOfAny('\r', '\n');
            var contentEnd = end < 0 ? text.Length : position + end;
            var match = KeyPattern().Match(text, position, contentEnd - position);
            if (match.Success)
            {
                var indent = match.Groups["indent"].Length;
                var key = match.Groups["key"].Value;
                key = key.Length >= 2 && key[0] is '"' or '\'' && key[^1] == key[0] ? key[1..^1] : key;
                parents.RemoveAll(p => p.Indent >= indent);
                var full = string.Join('.', parents.Select(p => p.Key).Append(key));
                var rest = match.Groups["rest"];
                if (IsEmptyValue(text, rest.Index, contentEnd))
                {
                    parents.Add((indent, key));
                }

                if (full == path)
                {
                    matches.Add(Value(text, rest.Index, contentEnd, line, path));
                }
            }

            position = contentEnd;
            if (position < text.Length)
            {
                position += text[position] == '\r' && position + 1 < text.Length && text[position + 1] == '\n' ? 2 : 1;
            }

            line++;
        }

        return ConnectStringFileFormats.Single(matches, $"YAML key {path}", e => e.Line);
    }

    private static bool IsEmptyValue(string text, int start, int end)
    {
        var rest = text.AsSpan(start, end - start).Trim(" \t");
        return rest.IsEmpty || rest[0] == '#';
    }

    private static Entry Value(string text, int start, int lineEnd, int line, string path)
    {
        while (start < lineEnd && text[start] is ' ' or '\t')
        {
            start++;
        }

        if (start < lineEnd && text[start] is '"' or '\'')
        {
            var quote = text[start];
            for (var i = start + 1; i < lineEnd; i++)
            {
                if (quote == '"' && text[i] == '\\')
                {
                    i++;
                }
                else if (text[i] == quote && quote == '\'' && i + 1 < lineEnd && text[i + 1] == '\'')
                {
                    i++;
                }
                else if (text[i] == quote)
                {
                    return new Entry(line, start, i + 1, quote, text[start..(i + 1)]);
                }
            }

            throw new ConnectStringFileException(ConnectStringFileProblem.Malformed, $"line {line}: the value of {path} opens a {quote} quote that does not close on its line");
        }

        if (start == lineEnd || text[start] is '#' or '|' or '>' or '[' or '{' or '&' or '*' or '!')
        {
            throw new ConnectStringFileException(ConnectStringFileProblem.Malformed, $"line {line}: the value of {path} is not a one-line scalar");
        }

        // A plain scalar ends at " #" (a comment) or the line's end, trailing blanks excluded.
        var stop = start;
        var valueEnd = start;
        while (stop < lineEnd && !(text[stop] == '#' && text[stop - 1] is ' ' or '\t'))
        {
            if (text[stop] is not (' ' or '\t'))
            {
                valueEnd = stop + 1;
            }

            stop++;
        }

        return new Entry(line, start, valueEnd, '\0', text[start..valueEnd]);
    }

    // A block-mapping key line: indentation, a plain or quoted key, ':' then a blank or the line's end. Comments,
    // sequence items ('- ') and document markers never match.
    [GeneratedRegex(@"\G(?<indent>[ ]*)(?<key>""[^""]*""|'[^']*'|[^\s#'""\-\[\]{}&*!|>%@`][^:#]*?)[ \t]*:(?<rest>(?=[ \t]|\z)[^\r\n]*|\z)")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._:,/\-\]\[]*\z")]
    private static partial Regex PlainPattern();
}
