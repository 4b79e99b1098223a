using System.Text;

namespace ZkMitosis.Coordinator.Engine.Check;

/// <summary>
/// A unified diff (<c>diff -u</c>'s format, three lines of context) of two texts, line by line, from their longest
/// common subsequence. Meant for configuration files: a pair larger than <see cref="MaxCells"/> line pairs is shown
/// as a whole replacement instead.
/// </summary>
public static class UnifiedDiff
{
    /// <summary>The largest (old lines × new lines) compared line by line (a few MiB of table).</summary>
    public const int MaxCells = 4_000_000;

    private const int Context = 3;

    /// <summary>
    /// The diff from <paramref name="before"/> to <paramref name="after"/> under the <c>---</c>/<c>+++</c> headers
    /// <paramref name="beforeName"/> and <paramref name="afterName"/>; empty when the texts are equal.
    /// </summary>
    public static string Create(string before, string after, string beforeName, string afterName)
    {
        if (before == after)
        {
            return "";
        }

        var a = Lines(before);
        var b = Lines(after);
        var edits = Edits(a, b);
        var text = new StringBuilder().Append("--- ").Append(beforeName).Append('\n').Append("+++ ").Append(afterName).Append('\n');
        var index = 0;
        while (index < edits.Count)
        {
            // A hunk: from the first change (less context) to the last change whose gap to the next is within 2 × context.
            var first = edits.FindIndex(index, e => e.Kind != ' ');
            if (first < 0)
            {
                break;
            }

            var last = first;
            for (var i = first + 1; i < edits.Count && i - last <= 2 * Context; i++)
            {
                if (edits[i].Kind != ' ')
                {
                    last = i;
                }
            }

            var start = Math.Max(index, first - Context);
            var end = Math.Min(edits.Count - 1, last + Context);
            var hunk = edits.GetRange(start, end - start + 1);
            var oldCount = hunk.Count(e => e.Kind != '+');
            var newCount = hunk.Count(e => e.Kind != '-');
            var oldStart = edits.Take(start).Count(e => e.Kind != '+') + (oldCount > 0 ? 1 : 0);
            var newStart = edits.Take(start).Count(e => e.Kind != '-') + (newCount > 0 ? 1 : 0);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"@@ -{oldStart},{oldCount} +{newStart},{newCount} @@\n");
            foreach (var edit in hunk)
            {
                text.Append(edit.Kind).Append(edit.Line).Append('\n');
            }

            index = end + 1;
        }

        if (!before.EndsWith('\n') && before.Length > 0 || !after.EndsWith('\n') && after.Length > 0)
        {
            text.Append("\\ the texts differ in their final newline\n");
        }

        return text.ToString();
    }

    private static string[] Lines(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (normalized.EndsWith('\n'))
        {
            normalized = normalized[..^1];
        }

        return normalized.Length == 0 ? [] : normalized.Split('\n');
    }

    private readonly record struct Edit(char Kind, string Line);

    private static List<Edit> Edits(string[] a, string[] b)
    {
        var edits = new List<Edit>();
        if ((long)a.Length * b.Length > MaxCells)
        {
            edits.AddRange(a.Select(l => new Edit('-', l)));
            edits.AddRange(b.Select(l => new Edit('+', l)));
            return edits;
        }

        // lcs[i, j]: the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                edits.Add(new Edit(' ', a[x++]));
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                edits.Add(new Edit('+', b[y++]));
            }
            else
            {
                edits.Add(new Edit('-', a[x++]));
            }
        }

        // Removals before additions within a run of changes, as diff -u prints them.
        for (var i = 0; i < edits.Count; i++)
        {
            if (edits[i].Kind == ' ')
            {
                continue;
            }

            var end = i;
            while (end < edits.Count && edits[end].Kind != ' ')
            {
                end++;
            }

            var run = edits.GetRange(i, end - i).OrderBy(e => e.Kind == '-' ? 0 : 1).ToList();
            edits.RemoveRange(i, end - i);
            edits.InsertRange(i, run);
            i = end;
        }

        return edits;
    }
}
