namespace ZkMitosis.Agent.Status;

/// <summary>
/// ZooKeeper's <c>jute.maxbuffer</c> as the JVM sees it. ZooKeeper reads it once, with
/// <c>Integer.getInteger("jute.maxbuffer", 0xfffff)</c> (org.apache.jute.BinaryInputArchive): the largest request a
/// server accepts and the largest field (znode data, path) it reads from a snapshot, a txn log or its leader. It is a
/// JVM system property, never a zoo.cfg key (zoo.cfg's unknown keys become <c>zookeeper.</c>-prefixed properties).
/// </summary>
public static class JuteMaxBuffer
{
    /// <summary>ZooKeeper's default when the property is not set: 0xfffff bytes (1 MiB - 1).</summary>
    public const int Default = 0xfffff;

    /// <summary>
    /// The value the JVM ends up with from <paramref name="options"/>, given in the order the JVM reads them
    /// (JAVA_TOOL_OPTIONS, then JDK_JAVA_OPTIONS, then the command line): the last <c>-Djute.maxbuffer</c> wins, and a
    /// value <c>Integer.decode</c> refuses gives the default, as <c>Integer.getInteger</c> does. Null when none sets it.
    /// </summary>
    public static int? FromJvmOptions(IEnumerable<string> options)
    {
        string? last = null;
        foreach (var option in options)
        {
            if (option == "-Djute.maxbuffer")
            {
                last = "";
            }
            else if (option.StartsWith("-Djute.maxbuffer=", StringComparison.Ordinal))
            {
                last = option["-Djute.maxbuffer=".Length..];
            }
        }

        return last is null ? null : Decode(last) ?? Default;
    }

    /// <summary>
    /// The JVM options of a java command line (<paramref name="argv"/>, executable first): every word up to the main
    /// class or <c>-jar</c>'s file; what follows is the program's arguments, which the JVM does not read.
    /// </summary>
    public static IReadOnlyList<string> JvmOptionsOfCommandLine(IReadOnlyList<string> argv)
    {
        var options = new List<string>();
        for (var i = 1; i < argv.Count; i++)
        {
            var word = argv[i];
            if (!word.StartsWith('-'))
            {
                break;
            }

            options.Add(word);
            if (word is "-cp" or "-classpath" or "--class-path" or "-p" or "--module-path" or "--add-modules" or "-jar")
            {
                if (word == "-jar")
                {
                    break;
                }

                i++;
            }
        }

        return options;
    }

    /// <summary>The words of an options environment variable (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS): split on white space.</summary>
    public static IReadOnlyList<string> SplitOptions(string value) =>
        value.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\'')).ToList();

    /// <summary>
    /// Every <c>-Djute.maxbuffer</c> in a shell-style file of JVM options (<c>/etc/default/zookeeper</c>, java.env, a
    /// unit's environment file), in file order, comment lines skipped; quotes around a word are not part of it.
    /// </summary>
    public static IReadOnlyList<string> OptionsInFile(string text) => JvmOptionsText.Definitions(text, "jute.maxbuffer");

    /// <summary>Java's <c>Integer.decode</c>: optional sign, then <c>0x</c>/<c>0X</c>/<c>#</c> hex, a leading <c>0</c> octal, or decimal; null when it throws.</summary>
    public static int? Decode(string text)
    {
        var negative = text.StartsWith('-');
        var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        int radix;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            (radix, digits) = (16, digits[2..]);
        }
        else if (digits.StartsWith('#'))
        {
            (radix, digits) = (16, digits[1..]);
        }
        else if (digits.StartsWith('0') && digits.Length > 1)
        {
            (radix, digits) = (8, digits[1..]);
        }
        else
        {
            radix = 10;
        }

        if (digits.Length == 0 || digits.StartsWith('-') || digits.StartsWith('+'))
        {
            return null;
        }

        long value = 0;
        foreach (var c in digits)
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : radix;
            if (digit >= radix)
            {
                return null;
            }

            value = (value * radix) + digit;
            if (value > (long)int.MaxValue + 1)
            {
                return null;
            }
        }

        value = negative ? -value : value;
        return value is < int.MinValue or > int.MaxValue ? null : (int)value;
    }
}
