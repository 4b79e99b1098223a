namespace ZkMitosis.ZooKeeper;

/// <summary>ZooKeeper's rules for znode paths, checked on the client so a bad path fails with a clear message.</summary>
public static class ZooKeeperPath
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the path and what is wrong with it: not absolute, empty
    /// segment, trailing slash (allowed only when <paramref name="allowSequentialSuffix"/>, since the server appends
    /// the sequence number), "." or ".." segments, or a character ZooKeeper refuses.
    /// </summary>
    public static void Validate(string path, bool allowSequentialSuffix = false)
    {
        var problem = Problem(path, allowSequentialSuffix);
        if (problem is not null)
        {
            throw new ArgumentException($"invalid znode path '{path}': {problem}", nameof(path));
        }
    }

    internal static string? Problem(string? path, bool allowSequentialSuffix)
    {
        if (path is null)
        {
            return "the path is null";
        }

        if (path.Length == 0)
        {
            return "the path is empty";
        }

        if (path[0] != '/')
        {
            return "it must start with '/'";
        }

        if (path.Length == 1)
        {
            return null;
        }

        if (path[^1] == '/' && !allowSequentialSuffix)
        {
            return "it must not end with '/'";
        }

        var segmentStart = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                var c = path[i];
                if (c == '\0')
                {
                    return $"null character at index {i}";
                }

                if (c is (> '\u0000' and <= '\u001f') or (>= '\u007f' and <= '\u009f') or (>= '\ud800' and <= '\uf8ff') or (>= '\ufff0' and <= '\uffff'))
                {
                    return $"invalid character U+{(int)c:X4} at index {i}";
                }

                continue;
            }

            var length = i - segmentStart;
            if (length == 0 && !(i == path.Length && allowSequentialSuffix))
            {
                return $"empty node name at index {i}";
            }

            if ((length == 1 && path[segmentStart] == '.') || (length == 2 && path[segmentStart] == '.' && path[segmentStart + 1] == '.'))
            {
                return $"relative node name '{path.Substring(segmentStart, length)}' at index {segmentStart}";
            }

            segmentStart = i + 1;
        }

        return null;
    }
}
