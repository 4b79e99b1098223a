namespace ZkMitosis.Coordinator.Copy;

/// <summary>A subtree on a cluster: <c>HOST:PORT[,HOST:PORT…]/PATH</c> (no path means the whole tree).</summary>
public sealed record TreeLocation(string Hosts, string Path)
{
    /// <exception cref="ArgumentException">the text is not <c>HOST:PORT[,…][/PATH]</c>.</exception>
    public static TreeLocation Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var hosts = (slash < 0 ? text : text[..slash]).Trim();
        var path = slash < 0 ? "/" : text[slash..].Trim();
        if (path.Length > 1)
        {
            path = path.TrimEnd('/');
        }

        if (hosts.Length == 0 || hosts.Split(',').Any(h => !h.Contains(':', StringComparison.Ordinal) || h.EndsWith(':')))
        {
            throw new ArgumentException($"'{text}' is not HOST:PORT[,HOST:PORT…]/PATH");
        }

        if (path.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' in '{text}' is not a valid znode path (empty segment)");
        }

        return new TreeLocation(hosts, path);
    }

    /// <summary>The absolute path of <paramref name="relative"/> ("" for the root itself, else "/a/b") under this tree.</summary>
    public string Resolve(string relative) => relative.Length == 0 ? Path : Path == "/" ? relative : Path + relative;

    public override string ToString() => Hosts + (Path == "/" ? string.Empty : Path);
}
