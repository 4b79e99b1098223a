using System.Globalization;
using System.Net;

namespace ZkMitosis.Coordinator.Reporting.Page;

/// <summary>
/// Escaping and number formatting for the report page. Every string that comes from outside the page's own code
/// (host names, step ids, check details, failure messages) goes through <see cref="Text"/>, in text and in
/// double-quoted attributes alike, so a hostile one stays inert text.
/// </summary>
internal static class Html
{
    /// <summary>Escapes &amp; &lt; &gt; " and ' (WebUtility.HtmlEncode): safe as element text and inside a double-quoted attribute.</summary>
    public static string Text(string? value) => WebUtility.HtmlEncode(value ?? "");

    /// <summary>A coordinate or length for SVG: invariant culture, two decimals at most.</summary>
    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A UTC instant to the millisecond, e.g. 14:03:07.412.</summary>
    public static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>A UTC instant with its date, e.g. 2026-12-01 14:03:07.412 UTC.</summary>
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC";
}
