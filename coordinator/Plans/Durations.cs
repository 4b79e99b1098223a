using System.Globalization;
using System.Text.RegularExpressions;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>Durations: an integer and a unit, <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>7d</c>.</summary>
public static partial class Durations
{
    [GeneratedRegex("^([0-9]{1,9})(ms|s|m|h|d)\\z")]
    private static partial Regex Pattern();

    /// <summary>
    /// Parses <paramref name="text"/>; false for anything else, including a value too large for a
    /// <see cref="TimeSpan"/> (<c>999999999h</c>), so a caller reports it instead of catching an overflow.
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var match = Pattern().Match(text ?? "");
        if (!match.Success)
        {
            return false;
        }

        // At most 999999999h = 3.6e15 ms: a long holds it, a TimeSpan (9.2e14 ms) may not.
        var number = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var milliseconds = number * match.Groups[2].Value switch
        {
            "ms" => 1L,
            "s" => 1_000L,
            "m" => 60_000L,
            "h" => 3_600_000L,
            _ => 86_400_000L,
        };
        if (milliseconds > (long)TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>The shortest exact form: <c>1500ms</c>, <c>30s</c>, <c>2m</c>.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 60_000 == 0 && value >= TimeSpan.FromMinutes(1) ? $"{(long)value.TotalMinutes}m"
        : value.TotalMilliseconds % 1000 == 0 ? $"{(long)value.TotalSeconds}s"
        : $"{(long)value.TotalMilliseconds}ms";
}
