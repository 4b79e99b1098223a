using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.ZooKeeper.Tests.Config;

/// <summary>
/// Editing keeps every byte outside the changed value whatever the file looks like, and reading returns what Java's
/// <c>Properties.load</c> (ZooKeeper, Kafka) would. Issue 12 §1: a CRLF first line made a set drop the file's last character.
/// </summary>
public sealed class PropertiesTextTests
{
    /// <summary>Set("b", "NEW") on each variant: input, then the exact expected text.</summary>
    public static TheoryData<string, string, string> SetVariants => new()
    {
        { "LF", "a=1\nb=2\nc=3\n", "a=1\nb=NEW\nc=3\n" },
        { "CRLF", "a=1\r\nb=2\r\nc=3\r\n", "a=1\r\nb=NEW\r\nc=3\r\n" },
        { "mixed, CRLF first", "a=1\r\nb=2\nlog.dirs=/var/lib/kafka", "a=1\r\nb=NEW\nlog.dirs=/var/lib/kafka" },
        { "mixed, CRLF last", "a=1\nb=2\r\nserver.1=h:2888:3888", "a=1\nb=NEW\r\nserver.1=h:2888:3888" },
        { "lone CR", "a=1\rb=2\rc=3\r", "a=1\rb=NEW\rc=3\r" },
        { "no final newline, key last", "a=1\nb=2", "a=1\nb=NEW" },
        { "no final newline, CRLF", "b=2\r\nc=3", "b=NEW\r\nc=3" },
        { "comments # and !", "# b=0 here\n! b=9 too\nb=2\n  # indented b=1\n", "# b=0 here\n! b=9 too\nb=NEW\n  # indented b=1\n" },
        { "blank and whitespace-only lines", "\n  \nb=2\n\t\n\n", "\n  \nb=NEW\n\t\n\n" },
        { "spaces around =, trailing spaces kept", "  b  =  2  \n", "  b  =  NEW  \n" },
        { "tab separator", "b\t=\t2\n", "b\t=\tNEW\n" },
        { "colon separator", "b:2\n", "b:NEW\n" },
        { "spaced colon", "b : 2\r\n", "b : NEW\r\n" },
        { "whitespace separator", "b 2\n", "b NEW\n" },
        { "empty value", "b=\nc=3\n", "b=NEW\nc=3\n" },
        { "continuation lines replaced whole", "a=1\nb=x,\\\n    y,\\\n    z\nc=3\n", "a=1\nb=NEW\nc=3\n" },
        { "continuation with CRLF", "b=x\\\r\n  y\r\nc=3\r\n", "b=NEW\r\nc=3\r\n" },
        { "continuation at end without newline", "a=1\nb=x\\\n  y", "a=1\nb=NEW" },
        { "escaped backslash is no continuation", "b=C:\\\\\nc=3\n", "b=NEW\nc=3\n" },
        { "comment ending in backslash does not continue", "# note \\\nb=2\n", "# note \\\nb=NEW\n" },
        { "every duplicate set", "b=1\nx=0\nb=2\n", "b=NEW\nx=0\nb=NEW\n" },
        { "absent: appended, LF", "a=1\n", "a=1\nb=NEW\n" },
        { "absent: appended, CRLF", "a=1\r\n", "a=1\r\nb=NEW\r\n" },
        { "absent: appended, lone CR", "a=1\r", "a=1\rb=NEW\r" },
        { "absent: appended, no final newline stays so", "a=1\r\nc=3", "a=1\r\nc=3\r\nb=NEW" },
        { "absent: empty file", "", "b=NEW\n" },
        { "absent: key only in a comment", "#b=2\n", "#b=2\nb=NEW\n" },
    };

    /// <summary>Read: each input and the value of <c>b</c> Java's Properties gives (trimmed, as ZooKeeper and Kafka trim).</summary>
    public static TheoryData<string, string, string?> ReadVariants => new()
    {
        { "LF", "a=1\nb=2\n", "2" },
        { "CRLF", "a=1\r\nb=2\r\n", "2" },
        { "mixed", "a=1\r\nb=/var/lib/kafka\nc=3", "/var/lib/kafka" },
        { "lone CR", "a=1\rb=2\r", "2" },
        { "no final newline", "a=1\nb=2", "2" },
        { "spacing", "   b   =   2   \n", "2" },
        { "colon", "b:2\n", "2" },
        { "whitespace separator", "b 2\n", "2" },
        { "= after whitespace", "b =2\n", "2" },
        { "value holding = and :", "b=h:2888:3888\n", "h:2888:3888" },
        { "continuation", "b=x,\\\n   y,\\\r\n   z\n", "x,y,z" },
        { "escapes", "b=a\\u0041\\tz\\=\n", "aA\tz=" },
        { "last duplicate wins", "b=1\nb=2\n", "2" },
        { "comment", "# b=1\n!b=1\n", null },
        { "escaped separator in key", "b\\:x=1\nb=2\n", "2" },
    };

    [Theory]
    [MemberData(nameof(SetVariants))]
    public void Set_EveryFileShape_ChangesOnlyTheValue(string shape, string input, string expected)
    {
        var text = PropertiesText.Parse(input);

        text.Set("b", "NEW");

        Assert.True(expected == text.ToString(), $"{shape}: expected {Show(expected)}, got {Show(text.ToString())}");
        Assert.Equal("NEW", PropertiesText.Parse(text.ToString()).Get("b"));
    }

    [Theory]
    [MemberData(nameof(SetVariants))]
    public void Parse_EveryFileShape_ToStringIsTheInput(string shape, string input, string expected)
    {
        _ = expected;

        Assert.True(input == PropertiesText.Parse(input).ToString(), shape);
    }

    [Theory]
    [MemberData(nameof(ReadVariants))]
    public void Get_EveryFileShape_JavaPropertiesValue(string shape, string input, string? expected)
    {
        Assert.True(expected == PropertiesText.Parse(input).Get("b"), $"{shape}: expected {expected}, got {PropertiesText.Parse(input).Get("b")}");
    }

    [Fact]
    public void Get_EscapedSeparatorInKey_DecodedKey()
    {
        var text = PropertiesText.Parse("a\\:b\\=c = 1\n");

        Assert.Equal(new KeyValuePair<string, string>("a:b=c", "1"), Assert.Single(text.Entries));
    }

    [Theory]
    [InlineData("a=1\nb=2\nc=3\n", "a=1\nc=3\n")]
    [InlineData("a=1\r\nb=2\r\nc=3", "a=1\r\nc=3")]
    [InlineData("a=1\rb=2", "a=1\r")]
    [InlineData("a=1\nb=x\\\n  y\\\n  z\nc=3\n", "a=1\nc=3\n")]
    [InlineData("# b=1\nb=2\n", "# b=1\n")]
    public void Remove_EveryFileShape_RemovesOnlyTheEntryLines(string input, string expected)
    {
        var text = PropertiesText.Parse(input);

        Assert.Equal(1, text.Remove("b"));
        Assert.Equal(expected, text.ToString());
    }

    [Fact]
    public void Remove_Prefix_RemovesEveryServerLineAndNothingElse()
    {
        var text = PropertiesText.Parse("tickTime=2000\r\nserver.1=a:2888:3888\nserver.2=b:2888:3888\r\nserverCnxnFactory=x\n");

        Assert.Equal(2, text.Remove("server.*"));
        Assert.Equal("tickTime=2000\r\nserverCnxnFactory=x\n", text.ToString());
    }

    private static string Show(string text) => "\"" + text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
