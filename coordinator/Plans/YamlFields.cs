using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// Reads fields of one YAML mapping by name, recording a <see cref="PlanProblem"/> with the field's path for
/// every missing, mistyped or unknown field instead of stopping at the first.
/// </summary>
internal sealed class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly string _path;
    private readonly List<PlanProblem> _problems;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public YamlFields(YamlMappingNode node, string path, List<PlanProblem> problems)
    {
        _node = node;
        _path = path;
        _problems = problems;
    }

    public string PathOf(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    public void Problem(string name, string message) => _problems.Add(new PlanProblem(PathOf(name), message));

    public YamlNode? Node(string name)
    {
        _read.Add(name);
        return _node.Children.TryGetValue(new YamlScalarNode(name), out var value) ? value : null;
    }

    public string? String(string name, bool required)
    {
        var node = Node(name);
        if (node is null || (node is YamlScalarNode { Value: null or "" or "~" or "null" }))
        {
            if (required)
            {
                Problem(name, "is required");
            }

            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            Problem(name, "must be a single value");
            return null;
        }

        return scalar.Value;
    }

    public int? Int(string name, bool required, int min, int max)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Problem(name, $"must be a whole number from {min} to {max}, not {PlanProblem.Quote(text)}");
            return null;
        }

        return value;
    }

    public bool? Bool(string name)
    {
        var text = String(name, required: false);
        if (text is null)
        {
            return null;
        }

        if (!bool.TryParse(text, out var value))
        {
            Problem(name, $"must be true or false, not {PlanProblem.Quote(text)}");
            return null;
        }

        return value;
    }

    /// <summary>A duration from <paramref name="bounds"/>.Min to .Max inclusive, or null (absent, or a problem recorded).</summary>
    public TimeSpan? Duration(string name, (TimeSpan Min, TimeSpan Max) bounds)
    {
        var text = String(name, required: false);
        if (text is null)
        {
            return null;
        }

        if (!Durations.TryParse(text, out var value) || value < bounds.Min || value > bounds.Max)
        {
            Problem(name, $"must be a duration from {Durations.Format(bounds.Min)} to {Durations.Format(bounds.Max)} (such as 500ms, 30s or 2m), not {PlanProblem.Quote(text)}");
            return null;
        }

        return value;
    }

    public YamlFields? Mapping(string name, bool required)
    {
        var node = Node(name);
        if (node is null || node is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            if (required)
            {
                Problem(name, "is required");
            }

            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Problem(name, "must be a mapping of fields");
            return null;
        }

        return new YamlFields(mapping, PathOf(name), _problems);
    }

    /// <summary>The items of a sequence, each with its own path (<c>name[i]</c>).</summary>
    public IReadOnlyList<(YamlNode Node, string Path)>? Sequence(string name, bool required)
    {
        var node = Node(name);
        if (node is null || node is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            if (required)
            {
                Problem(name, "is required");
            }

            return null;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Problem(name, "must be a list");
            return null;
        }

        return sequence.Children.Select((child, i) => (child, $"{PathOf(name)}[{i}]")).ToList();
    }

    public YamlFields? Item(YamlNode node, string path)
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlFields(mapping, path, _problems);
        }

        _problems.Add(new PlanProblem(path, "must be a mapping of fields"));
        return null;
    }

    /// <summary>Reports every field present in the mapping that nobody read: a typo must not pass silently.</summary>
    public void RejectUnknown()
    {
        foreach (var key in _node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? key.ToString();
            if (!_read.Contains(name))
            {
                Problem(name, "is not a known field");
            }
        }
    }
}
