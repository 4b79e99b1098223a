using System.Globalization;
using System.Text;

namespace ZkMitosis.Agent.Files;

/// <summary>
/// Checks of caller-supplied text that reaches a file: a control character (U+0000-U+001F, U+007F) or a line break in
/// a value would add lines or keys the check never saw (<c>"2000\ndynamicConfigFile=/x"</c>), so it is refused with
/// the field named. Messages show hostile text escaped, never raw.
/// </summary>
public static class CallerText
{
    /// <summary>True when <paramref name="text"/> holds a C0 control character (tab and line breaks included) or DEL.</summary>
    public static bool HasControlCharacter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IndexOfControl(text, allowLineBreaks: false) >= 0;
    }

    /// <summary>Refuses a value with any control character (tab, CR, LF included).</summary>
    /// <exception cref="InvalidRequestException">naming <paramref name="field"/> and the character's position.</exception>
    public static void RequireNoControl(string field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var at = IndexOfControl(value, allowLineBreaks: false);
        if (at >= 0)
        {
            throw new InvalidRequestException(field, $"'{Printable(value)}' holds control character U+{(int)value[at]:X4} at offset {at}; values are one line of printable text");
        }
    }

    /// <summary>Refuses a whole file's text with a control character other than tab, CR and LF.</summary>
    /// <exception cref="InvalidRequestException">naming <paramref name="field"/> and the line.</exception>
    public static void RequireTextFile(string field, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = IndexOfControl(text, allowLineBreaks: true);
        if (at >= 0)
        {
            var line = 1 + text.AsSpan(0, at).Count('\n');
            throw new InvalidRequestException(field, $"line {line} holds control character U+{(int)text[at]:X4}; a config file is text");
        }
    }

    /// <summary><paramref name="text"/> with control characters shown as <c>\xNN</c> (for messages and logs), cut at 200 characters.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = new StringBuilder();
        foreach (var c in text.Length > 200 ? text[..200] : text)
        {
            if (c < 0x20 || c == 0x7F)
            {
                shown.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                shown.Append(c);
            }
        }

        return text.Length > 200 ? shown.Append('…').ToString() : shown.ToString();
    }

    private static int IndexOfControl(string text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < 0x20 || c == 0x7F) && !(allowLineBreaks && c is '\t' or '\r' or '\n'))
            {
                return i;
            }
        }

        return -1;
    }
}
