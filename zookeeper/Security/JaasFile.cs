using System.Text;
using System.Text.RegularExpressions;

namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// Reads the options of one section of a JAAS login configuration, the format of Java's
/// <c>java.security.auth.login.config</c>: <c>Name { module.Class flag key="value" key=value; };</c>, with
/// <c>//</c> and <c>/* */</c> comments. Only what a client login needs; the options of several modules in a section
/// merge.
/// </summary>
internal static partial class JaasFile
{
    /// <summary>True when some line opens a section (<c>Name {</c>); a key=value file never does.</summary>
    public static bool LooksLikeJaas(string text) => SectionHeader().IsMatch(text);

    [GeneratedRegex(@"^\s*[A-Za-z_][\w.\-]*\s*\{", RegexOptions.Multiline)]
    private static partial Regex SectionHeader();

    /// <summary>
    /// The login modules (class names, in order) and options of section <paramref name="section"/>; errors name
    /// <paramref name="path"/>, never a value.
    /// </summary>
    public static JaasSection ReadSection(string text, string section, string path)
    {
        var tokens = Tokenize(text, path);
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            if (tokens[i] is { Quoted: false } name && tokens[i + 1].Text == "{" && !tokens[i + 1].Quoted)
            {
                var end = tokens.FindIndex(i + 2, t => t is { Text: "}", Quoted: false });
                if (end < 0)
                {
                    throw new InvalidDataException($"JAAS file {path}: section '{name.Text}' has no closing '}}'");
                }

                if (name.Text == section)
                {
                    return new JaasSection(Modules(tokens, i + 2, end), Options(tokens, i + 2, end));
                }

                i = end;
            }
        }

        throw new InvalidDataException($"JAAS file {path} has no '{section}' section");
    }

    /// <summary>Each entry (<c>Class flag options ;</c>) starts with its module's class name.</summary>
    private static List<string> Modules(List<Token> tokens, int start, int end)
    {
        var modules = new List<string>();
        var entryStart = true;
        for (var i = start; i < end; i++)
        {
            if (tokens[i] is { Text: ";", Quoted: false })
            {
                entryStart = true;
            }
            else if (entryStart)
            {
                modules.Add(tokens[i].Text);
                entryStart = false;
            }
        }

        return modules;
    }

    private static Dictionary<string, string> Options(List<Token> tokens, int start, int end)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = start; i + 2 < end; i++)
        {
            if (!tokens[i].Quoted && tokens[i + 1] is { Text: "=", Quoted: false })
            {
                values[tokens[i].Text] = tokens[i + 2].Text;
                i += 2;
            }
        }

        return values;
    }

    /// <summary>One section: its modules' class names and their merged options (keys case-insensitive).</summary>
    public sealed record JaasSection(IReadOnlyList<string> Modules, Dictionary<string, string> Options);

    private readonly record struct Token(string Text, bool Quoted);

    private static List<Token> Tokenize(string text, string path)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                i = text.IndexOf('\n', i) is var newline and >= 0 ? newline : text.Length;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? text.Length : close + 2;
            }
            else if (c is '{' or '}' or ';' or '=')
            {
                tokens.Add(new Token(c.ToString(), false));
                i++;
            }
            else if (c == '"')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new InvalidDataException($"JAAS file {path}: a quoted value is not closed");
                    }

                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        value.Append(text[i + 1]);
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        value.Append(text[i++]);
                    }
                }

                tokens.Add(new Token(value.ToString(), true));
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('{' or '}' or ';' or '=' or '"'))
                {
                    i++;
                }

                tokens.Add(new Token(text[start..i], false));
            }
        }

        return tokens;
    }
}
