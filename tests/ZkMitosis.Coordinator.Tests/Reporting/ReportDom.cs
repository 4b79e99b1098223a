using System.Text.RegularExpressions;

namespace ZkMitosis.Coordinator.Tests.Reporting;

/// <summary>Reads the report page's markup (as written, or as Chromium's <c>--dump-dom</c> serialized it) by its <c>data-</c> attributes.</summary>
internal static partial class ReportDom
{
    /// <summary>
    /// The markup with every double-quoted attribute value emptied. An HTML serializer escapes <c>"</c> inside a value
    /// (as &amp;quot;), so what is left are the elements themselves: text nodes escape <c>&lt;</c> too, so any
    /// <c>&lt;script</c> left is an element that a string broke out to create.
    /// </summary>
    public static string WithoutAttributeValues(string markup) => AttributeValue().Replace(markup, "=\"\"");

    /// <summary>Each <c>&lt;g class="band" data-host=…&gt;</c>: the host (unescaped) and the markup up to its first closing tag.</summary>
    public static IReadOnlyList<(string Host, string Inner)> Bands(string markup) =>
        Band().Matches(markup).Select(m => (System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), m.Groups[2].Value)).ToList();

    /// <summary>Each <c>&lt;g class="step" data-step=…&gt;</c>: the step id (unescaped) and its markup.</summary>
    public static IReadOnlyList<(string Step, string Inner)> Steps(string markup) =>
        Step().Matches(markup).Select(m => (System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), m.Groups[2].Value)).ToList();

    [GeneratedRegex("=\"[^\"]*\"")]
    private static partial Regex AttributeValue();

    [GeneratedRegex("<g class=\"band\" data-host=\"([^\"]*)\"[^>]*>(.*?)</g>", RegexOptions.Singleline)]
    private static partial Regex Band();

    [GeneratedRegex("<g class=\"step\" data-step=\"([^\"]*)\"[^>]*>(.*?)</g>", RegexOptions.Singleline)]
    private static partial Regex Step();
}
