namespace ZkMitosis.Testing.Prometheus;

/// <summary>
/// Prometheus's naming conventions (https://prometheus.io/docs/practices/naming/) as checks on a family: snake case;
/// counters, and only counters, end in <c>_total</c>; base units (seconds, bytes, ratios), written in the name, as its
/// suffix (before <c>_total</c> on a counter); a histogram or summary measures something with a unit; timestamps are
/// <c>_timestamp_seconds</c>; an <c>_info</c> metric is a gauge of 1; every family has HELP.
/// </summary>
public static class PrometheusNaming
{
    /// <summary>Suffixes naming a base unit.</summary>
    public static readonly IReadOnlyList<string> BaseUnits = ["_seconds", "_bytes", "_ratio", "_celsius", "_meters", "_volts", "_amperes", "_joules", "_grams"];

    /// <summary>Name parts that are units other than the base one (or unit-like words that hide the unit).</summary>
    private static readonly string[] NonBaseUnits =
    [
        "_milliseconds", "_ms", "_microseconds", "_us", "_nanoseconds", "_ns", "_minutes", "_hours", "_days", "_millis",
        "_kilobytes", "_kb", "_megabytes", "_mb", "_gigabytes", "_gb", "_percent", "_pct",
    ];

    /// <summary>Words that say the metric is a time: its name must then end in seconds.</summary>
    private static readonly string[] TimeWords = ["_duration", "_latency", "_elapsed", "_time", "_timestamp", "_age", "_down", "_uptime", "_delay", "_wait"];

    /// <summary>Everything wrong with <paramref name="family"/>'s name, type and help; empty when it follows the conventions.</summary>
    public static IReadOnlyList<string> Problems(PrometheusFamily family)
    {
        var problems = new List<string>();
        var name = family.Name;
        if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') || name.Contains("__", StringComparison.Ordinal) || name.EndsWith('_'))
        {
            problems.Add($"{name}: not snake case");
        }

        if (string.IsNullOrWhiteSpace(family.Help))
        {
            problems.Add($"{name}: no HELP");
        }

        if (family.Type == "untyped")
        {
            problems.Add($"{name}: no TYPE");
        }

        var counter = family.Type == "counter";
        if (counter != name.EndsWith("_total", StringComparison.Ordinal))
        {
            problems.Add(counter ? $"{name}: a counter's name ends in _total" : $"{name}: only a counter's name ends in _total ({family.Type})");
        }

        var stem = counter && name.EndsWith("_total", StringComparison.Ordinal) ? name[..^"_total".Length] : name;
        var parts = stem.Split('_').Select(p => "_" + p).ToList();
        foreach (var unit in NonBaseUnits.Where(parts.Contains))
        {
            problems.Add($"{name}: '{unit[1..]}' is not a base unit (seconds, bytes, ratio)");
        }

        var unitSuffix = BaseUnits.FirstOrDefault(u => stem.EndsWith(u, StringComparison.Ordinal));
        foreach (var unit in BaseUnits.Where(u => u != unitSuffix && parts.Contains(u)))
        {
            problems.Add($"{name}: the unit '{unit[1..]}' is not the name's suffix");
        }

        if (family.Type is "histogram" or "summary" && unitSuffix is null)
        {
            problems.Add($"{name}: a {family.Type} measures something with a unit; end its name in one ({string.Join(", ", BaseUnits)})");
        }

        if (TimeWords.Any(parts.Contains) && unitSuffix != "_seconds")
        {
            problems.Add($"{name}: a time, so its name ends in _seconds{(counter ? "_total" : "")}");
        }

        if (parts.Contains("_timestamp") && !stem.EndsWith("_timestamp_seconds", StringComparison.Ordinal))
        {
            problems.Add($"{name}: a timestamp is _timestamp_seconds");
        }

        if (name.EndsWith("_info", StringComparison.Ordinal) && (family.Type != "gauge" || family.Samples.Any(s => s.Value != 1)))
        {
            problems.Add($"{name}: an _info metric is a gauge whose samples are all 1");
        }

        var reserved = family.Samples.SelectMany(s => s.Labels.Keys).Distinct().Where(l => (l == "le" && family.Type != "histogram") || (l == "quantile" && family.Type != "summary"));
        problems.AddRange(reserved.Select(l => $"{name}: the label '{l}' is reserved for {(l == "le" ? "histograms" : "summaries")}"));
        return problems;
    }

    /// <summary>Every problem of every family whose name starts with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> Problems(PrometheusExposition exposition, string prefix) =>
        exposition.Families.Values.Where(f => f.Name.StartsWith(prefix, StringComparison.Ordinal)).SelectMany(Problems).ToList();
}
