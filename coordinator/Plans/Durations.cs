using System.Globalization;
using System.Text.RegularExpressions;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>Plan durations: an integer and a unit, <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>.</summary>
public static partial class Durations
{
    [GeneratedRegex("^([0-9]{1,9})(ms|s|m|h)$")]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var match = Pattern().Match(text ?? "");
        if (!match.Success)
        {
            return false;
        }

        var number = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        value = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            "m" => TimeSpan.FromMinutes(number),
            _ => TimeSpan.FromHours(number),
        };
        return true;
    }

    /// <summary>The shortest exact form: <c>1500ms</c>, <c>30s</c>, <c>2m</c>.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 60_000 == 0 && value >= TimeSpan.FromMinutes(1) ? $"{(long)value.TotalMinutes}m"
        : value.TotalMilliseconds % 1000 == 0 ? $"{(long)value.TotalSeconds}s"
        : $"{(long)value.TotalMilliseconds}ms";
}
