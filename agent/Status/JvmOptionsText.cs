using System.Text.RegularExpressions;

namespace ZkMitosis.Agent.Status;

/// <summary>
/// The JVM system property definitions (<c>-Dname</c>, <c>-Dname=value</c>) of a shell-style file of JVM options
/// (<c>/etc/default/zookeeper</c>, <c>conf/java.env</c>, a unit's environment file): the one reader for every property
/// the agent checks there (<c>jute.maxbuffer</c>, <c>java.security.auth.login.config</c>).
/// </summary>
public static class JvmOptionsText
{
    /// <summary>
    /// Every definition of <paramref name="property"/> in <paramref name="text"/>, as whole words, in file order: lines
    /// starting with <c>#</c> are skipped, and quotes or a closing parenthesis around a word are not part of it
    /// (<c>SERVER_JVMFLAGS="-Dx=1"</c>, <c>COMMAND=('java' '-Dx=1')</c>). A longer name with the same prefix
    /// (<c>-Dx.y</c> for <c>x</c>) is not a definition of it.
    /// </summary>
    /// <param name="text">The file's text.</param>
    /// <param name="property">The property's name, e.g. <c>jute.maxbuffer</c>.</param>
    public static IReadOnlyList<string> Definitions(string text, string property)
    {
        var word = new Regex($@"-D{Regex.Escape(property)}(=[^\s'""\)]*)?(?=[\s'""\)]|$)", RegexOptions.CultureInvariant);
        return text.Split('\n')
            .Where(l => !l.TrimStart().StartsWith('#'))
            .SelectMany(l => word.Matches(l).Select(m => m.Value))
            .ToList();
    }

    /// <summary>
    /// The value the JVM ends up with for <paramref name="property"/> from <paramref name="text"/>: the last definition
    /// wins, as on a JVM command line; <c>-Dname</c> alone gives the empty string. Null when the file does not set it.
    /// </summary>
    /// <param name="text">The file's text.</param>
    /// <param name="property">The property's name.</param>
    public static string? LastValue(string text, string property) =>
        Definitions(text, property).LastOrDefault() is { } last
            ? last.Length > property.Length + 2 ? last[(property.Length + 3)..] : ""
            : null;
}
