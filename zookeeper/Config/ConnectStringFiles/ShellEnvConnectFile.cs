using System.Text;
using System.Text.RegularExpressions;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>
/// A variable of a shell environment file sourced by the product's start script (Solr's <c>ZK_HOST</c> in
/// <c>solr.in.sh</c>): <c>[export ]NAME=value</c> with the value double-quoted, single-quoted or bare. Commented lines
/// (<c># ZK_HOST=…</c>, as the shipped solr.in.sh has) are not assignments. The value keeps its quoting; what that
/// quoting cannot hold safely is refused rather than escaped into something the shell would expand.
/// </summary>
internal sealed partial class ShellEnvConnectFile : IConnectStringFile
{
    public ConnectStringFormat Format => ConnectStringFormat.ShellEnv;

    /// <summary>One assignment: the value's raw span (quotes included) and its quoting.</summary>
    private sealed record Assignment(int Line, int ValueStart, int ValueEnd, char Quote, string Raw);

    public string Read(string text, ConnectStringLocation location)
    {
        var found = Find(text, location.Key);
        return found.Quote switch
        {
            '"' => Unescape(found.Raw[1..^1]),
            '\'' => found.Raw[1..^1],
            _ => found.Raw,
        };
    }

    public string Write(string text, ConnectStringLocation location, ConnectionString target)
    {
        var found = Find(text, location.Key);
        var value = ConnectStringFileFormats.Format(target);
        var written = found.Quote switch
        {
            '"' => '"' + Escape(value) + '"',
            '\'' => value.Contains('\'', StringComparison.Ordinal)
                ? throw Refused(value, "a single-quoted value cannot hold a single quote")
                : "'" + value + "'",
            _ => BarePattern().IsMatch(value) ? value : throw Refused(value, "a bare (unquoted) value may hold only letters, digits and . _ : , / @ % + = - [ ]; quote the value in the file"),
        };
        return string.Concat(text.AsSpan(0, found.ValueStart), written, text.AsSpan(found.ValueEnd));
    }

    private static ConnectStringFileException Refused(string value, string why) =>
        new(ConnectStringFileProblem.ValueRefused, $"'{value}' cannot be written here: {why}");

    private static Assignment Find(string text, string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ConnectStringFileException(ConnectStringFileProblem.ValueRefused, $"'{name}' is not a shell variable name");
        }

        var matches = new List<Assignment>();
        var position = 0;
        var line = 1;
        while (position < text.Length)
        {
            var end = text.AsSpan(position).IndexOfAny('\r', '\n');
            var contentEnd = end < 0 ? text.Length : position + end;
            var match = AssignmentPattern().Match(text, position, contentEnd - position);
            if (match.Success && match.Groups["name"].Value == name)
            {
                matches.Add(Value(text, match.Groups["value"].Index, contentEnd, line, name));
            }

            position = contentEnd;
            if (position < text.Length)
            {
                position += text[position] == '\r' && position + 1 < text.Length && text[position + 1] == '\n' ? 2 : 1;
            }

            line++;
        }

        return ConnectStringFileFormats.Single(matches, $"shell variable {name}", a => a.Line);
    }

    /// <summary>The value starting at <paramref name="start"/>: a quoted string closed on this line, or a bare word.</summary>
    private static Assignment Value(string text, int start, int lineEnd, int line, string name)
    {
        if (start < lineEnd && text[start] is '"' or '\'')
        {
            var quote = text[start];
            for (var i = start + 1; i < lineEnd; i++)
            {
                if (quote == '"' && text[i] == '\\')
                {
                    i++;
                    continue;
                }

                if (text[i] == quote)
                {
                    return new Assignment(line, start, i + 1, quote, text[start..(i + 1)]);
                }
            }

            throw new ConnectStringFileException(ConnectStringFileProblem.Malformed, $"line {line}: the value of {name} opens a {quote} quote that does not close on its line");
        }

        var stop = start;
        while (stop < lineEnd && !char.IsWhiteSpace(text[stop]) && text[stop] is not (';' or '#' or '"' or '\'' or '`' or '&' or '|'))
        {
            stop++;
        }

        return new Assignment(line, start, stop, '\0', text[start..stop]);
    }

    /// <summary>Inside double quotes the shell treats <c>$ ` " \</c> specially: each is written escaped.</summary>
    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '$' or '`' or '"' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static string Unescape(string inner)
    {
        var value = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length && inner[i + 1] is '$' or '`' or '"' or '\\')
            {
                i++;
            }

            value.Append(inner[i]);
        }

        return value.ToString();
    }

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex NamePattern();

    // Leading blanks, an optional 'export', NAME=, then the value. A line starting with '#' never matches.
    [GeneratedRegex(@"\G[ \t]*(?:export[ \t]+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>)")]
    private static partial Regex AssignmentPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9._:,/@%+=\-\[\]]*\z")]
    private static partial Regex BarePattern();
}
