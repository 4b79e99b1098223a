using System.Globalization;
using System.Text;

namespace ZkMitosis.Testing.Prometheus;

/// <summary>One sample line: its name (with <c>_bucket</c>, <c>_sum</c>, <c>_count</c> for histograms), labels and value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, long? TimestampMs)
{
    /// <summary>The labels other than <paramref name="except"/>, as one sortable key (for grouping a histogram's series).</summary>
    public string LabelKey(string? except = null) =>
        string.Join(",", Labels.Where(l => l.Key != except).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}

/// <summary>A metric family: the name its TYPE line gives, its type ("untyped" without one), its HELP text, its samples.</summary>
public sealed record PrometheusFamily(string Name, string Type, string? Help, IReadOnlyList<PrometheusSample> Samples);

/// <summary>A whole parsed exposition.</summary>
public sealed class PrometheusExposition(IReadOnlyDictionary<string, PrometheusFamily> families)
{
    public IReadOnlyDictionary<string, PrometheusFamily> Families { get; } = families;

    public IEnumerable<PrometheusSample> Samples(string name) =>
        Families.Values.SelectMany(f => f.Samples).Where(s => s.Name == name);

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include <paramref name="labels"/> (pairs name, value), or null.</summary>
    public double? Value(string name, params string[] labels)
    {
        var matching = Samples(name).Where(s => Enumerable.Range(0, labels.Length / 2).All(i => s.Labels.GetValueOrDefault(labels[2 * i]) == labels[(2 * i) + 1])).ToList();
        return matching.Count switch
        {
            0 => null,
            1 => matching[0].Value,
            _ => throw new InvalidOperationException($"{matching.Count} samples of {name} match {string.Join(",", labels)}"),
        };
    }
}

/// <summary>The text is not valid exposition format 0.0.4; the message names the line.</summary>
public sealed class PrometheusFormatException(int line, string message) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
}

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): HELP and TYPE lines (at most one each per family,
/// TYPE before the family's first sample), a family's samples together, metric and label names by the data model's
/// grammar, label values with their three escapes (<c>\\</c>, <c>\"</c>, <c>\n</c>), values as Go floats (NaN, +Inf,
/// -Inf), optional integer timestamps, no duplicate series. Histograms: every series has buckets with <c>le</c>
/// ascending and counts not decreasing, a <c>+Inf</c> bucket equal to <c>_count</c>, and a <c>_sum</c>. Counters are
/// not negative. Anything else throws <see cref="PrometheusFormatException"/>.
/// </summary>
public static class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static PrometheusExposition Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new PrometheusFormatException(text.Count(c => c == '\n') + 1, "the last line does not end with a line feed");
        }

        var families = new Dictionary<string, Builder>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var number = i + 1;
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    var name = parts[2];
                    RequireMetricName(name, number);
                    var family = families.GetValueOrDefault(name) ?? new Builder();
                    if (parts[1] == "HELP")
                    {
                        if (family.Help is not null)
                        {
                            throw new PrometheusFormatException(number, $"a second HELP line for {name}");
                        }

                        family.Help = UnescapeHelp(parts.Length == 4 ? parts[3] : "", number);
                    }
                    else
                    {
                        if (parts.Length != 4 || !Types.Contains(parts[3]))
                        {
                            throw new PrometheusFormatException(number, $"TYPE of {name} is not one of {string.Join(", ", Types)}");
                        }

                        if (family.Samples.Count > 0 || family.Typed)
                        {
                            throw new PrometheusFormatException(number, $"TYPE of {name} comes after its samples or a second time");
                        }

                        family.Type = parts[3];
                        family.Typed = true;
                    }

                    if (finished.Contains(name))
                    {
                        throw new PrometheusFormatException(number, $"{name}'s lines are not together");
                    }

                    if (current is not null && current != name)
                    {
                        finished.Add(current);
                    }

                    current = name;
                    families[name] = family;
                }

                continue;
            }

            var sample = ParseSample(line, number);
            var familyName = FamilyOf(sample.Name, families);
            if (finished.Contains(familyName))
            {
                throw new PrometheusFormatException(number, $"{familyName}'s samples are not together");
            }

            if (current is not null && current != familyName)
            {
                finished.Add(current);
            }

            current = familyName;
            var f = families.GetValueOrDefault(familyName) ?? new Builder();
            CheckSampleFits(f.Type, familyName, sample, number);
            if (!series.Add(sample.Name + "{" + sample.LabelKey() + "}"))
            {
                throw new PrometheusFormatException(number, $"a second sample of {sample.Name}{{{sample.LabelKey()}}}");
            }

            f.Samples.Add(sample);
            if (f.FirstSampleLine == 0)
            {
                f.FirstSampleLine = number;
            }

            families[familyName] = f;
        }

        foreach (var (name, family) in families.Where(f => f.Value.Type == "histogram"))
        {
            CheckHistogram(name, family.Samples, family.FirstSampleLine);
        }

        return new PrometheusExposition(families.ToDictionary(f => f.Key, f => new PrometheusFamily(f.Key, f.Value.Type, f.Value.Help, f.Value.Samples), StringComparer.Ordinal));
    }

    /// <summary>The data model's metric name grammar: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    /// <summary>Label names: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, and <c>__</c> is reserved.</summary>
    public static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !name.StartsWith("__", StringComparison.Ordinal);

    private static void RequireMetricName(string name, int line)
    {
        if (!IsMetricName(name))
        {
            throw new PrometheusFormatException(line, $"'{name}' is not a metric name");
        }
    }

    /// <summary>The family a sample belongs to: its own name, or a histogram's or summary's name without the suffix.</summary>
    private static string FamilyOf(string sample, Dictionary<string, Builder> families)
    {
        if (families.TryGetValue(sample, out var own) && own.Type != "histogram")
        {
            return sample;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sample[..^suffix.Length], out var f) && f.Type is "histogram" or "summary")
            {
                return sample[..^suffix.Length];
            }
        }

        return sample;
    }

    private static void CheckSampleFits(string type, string family, PrometheusSample sample, int line)
    {
        switch (type)
        {
            case "histogram":
                if (sample.Name == family)
                {
                    throw new PrometheusFormatException(line, $"histogram {family} has a sample without _bucket, _sum or _count");
                }

                if ((sample.Name == family + "_bucket") != sample.Labels.ContainsKey("le"))
                {
                    throw new PrometheusFormatException(line, $"{sample.Name}: 'le' belongs on the buckets and only there");
                }

                break;
            case "summary":
                if (sample.Name == family && !sample.Labels.ContainsKey("quantile"))
                {
                    throw new PrometheusFormatException(line, $"summary {family}: a quantile sample without 'quantile'");
                }

                break;
            case "counter":
                if (sample.Value < 0 || double.IsNaN(sample.Value))
                {
                    throw new PrometheusFormatException(line, $"counter {family} is {sample.Value}");
                }

                break;
        }
    }

    private static void CheckHistogram(string name, List<PrometheusSample> samples, int line)
    {
        foreach (var group in samples.GroupBy(s => s.LabelKey("le")))
        {
            var where = $"histogram {name}{{{group.Key}}}";
            var buckets = group.Where(s => s.Name == name + "_bucket").Select(s => (Le: ParseFloat(s.Labels["le"], line, "le"), s.Value)).ToList();
            var count = group.SingleOrDefault(s => s.Name == name + "_count") ?? throw new PrometheusFormatException(line, $"{where} has no _count");
            _ = group.SingleOrDefault(s => s.Name == name + "_sum") ?? throw new PrometheusFormatException(line, $"{where} has no _sum");
            if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le))
            {
                throw new PrometheusFormatException(line, $"{where}: the last bucket is not le=\"+Inf\"");
            }

            for (var i = 1; i < buckets.Count; i++)
            {
                if (buckets[i].Le <= buckets[i - 1].Le)
                {
                    throw new PrometheusFormatException(line, $"{where}: bucket le={buckets[i].Le} follows le={buckets[i - 1].Le}");
                }

                if (buckets[i].Value < buckets[i - 1].Value)
                {
                    throw new PrometheusFormatException(line, $"{where}: bucket le={buckets[i].Le} counts {buckets[i].Value}, fewer than le={buckets[i - 1].Le}'s {buckets[i - 1].Value}");
                }
            }

            if (buckets[^1].Value != count.Value)
            {
                throw new PrometheusFormatException(line, $"{where}: _count {count.Value} is not the +Inf bucket's {buckets[^1].Value}");
            }
        }
    }

    private static PrometheusSample ParseSample(string line, int number)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
        {
            i++;
        }

        var name = line[..i];
        RequireMetricName(name, number);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }

                var label = line[start..i];
                if (!IsLabelName(label))
                {
                    throw new PrometheusFormatException(number, $"'{label}' is not a label name");
                }

                if (i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw new PrometheusFormatException(number, $"label {label}'s value is not quoted");
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new PrometheusFormatException(number, $"label {label}'s value is not closed");
                    }

                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        var escaped = i < line.Length ? line[i++] : '\0';
                        value.Append(escaped switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new PrometheusFormatException(number, $"label {label}: '\\{escaped}' is not an escape (\\\\, \\\", \\n)"),
                        });
                        continue;
                    }

                    value.Append(c);
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new PrometheusFormatException(number, $"label {label} twice");
                }

                if (i < line.Length && line[i] == ',')
                {
                    i++;
                }
                else if (i >= line.Length || line[i] != '}')
                {
                    throw new PrometheusFormatException(number, "labels not separated by ',' or closed by '}'");
                }
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new PrometheusFormatException(number, $"no value after {name}");
        }

        var fields = line[(i + 1)..].Split(' ');
        if (fields.Length is 0 or > 2 || fields.Any(f => f.Length == 0))
        {
            throw new PrometheusFormatException(number, $"'{line[(i + 1)..]}' is not 'value [timestamp]'");
        }

        long? timestamp = null;
        if (fields.Length == 2)
        {
            if (!long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
            {
                throw new PrometheusFormatException(number, $"'{fields[1]}' is not a timestamp (integer milliseconds)");
            }

            timestamp = ms;
        }

        return new PrometheusSample(name, labels, ParseFloat(fields[0], number, "value"), timestamp);
    }

    private static double ParseFloat(string text, int line, string what) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new PrometheusFormatException(line, $"'{text}' is not a {what} (a float, NaN, +Inf or -Inf)"),
    };

    private static string UnescapeHelp(string text, int line)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            var next = i + 1 < text.Length ? text[++i] : '\0';
            result.Append(next switch
            {
                '\\' => '\\',
                'n' => '\n',
                _ => throw new PrometheusFormatException(line, $"HELP: '\\{next}' is not an escape (\\\\, \\n)"),
            });
        }

        return result.ToString();
    }

    private sealed class Builder
    {
        public string Type { get; set; } = "untyped";

        public bool Typed { get; set; }

        public string? Help { get; set; }

        public List<PrometheusSample> Samples { get; } = [];

        public int FirstSampleLine { get; set; }
    }
}
