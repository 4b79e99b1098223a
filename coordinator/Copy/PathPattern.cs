using System.Text;
using System.Text.RegularExpressions;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// An absolute znode path with wildcards, matched against source paths: <c>*</c> is any run of characters
/// within one path segment, <c>**</c> any run across segments (<c>/app/locks/*</c> matches the children of
/// <c>/app/locks</c>; <c>/app/locks/**</c> everything below it).
/// </summary>
public sealed class PathPattern
{
    private readonly Regex _regex;

    private PathPattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    /// <summary>The pattern as given.</summary>
    public string Text { get; }

    /// <exception cref="ArgumentException">not an absolute path, or an empty segment.</exception>
    public static PathPattern Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('/') || (text.Length > 1 && text.EndsWith('/')) || text.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{text}' is not an absolute znode path pattern (/a/*/b, /a/**)");
        }

        var regex = new StringBuilder("^");
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '*')
            {
                regex.Append(Regex.Escape(text[i].ToString()));
            }
            else if (i + 1 < text.Length && text[i + 1] == '*')
            {
                regex.Append(".+");
                i++;
            }
            else
            {
                regex.Append("[^/]+");
            }
        }

        return new PathPattern(text, new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
    }

    /// <summary>Whether the absolute <paramref name="path"/> matches.</summary>
    public bool Matches(string path) => _regex.IsMatch(path);

    public override string ToString() => Text;
}
