using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Reporting.Page;

/// <summary>
/// The report page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched) written beside
/// report.json, for a change review: the timeline (<see cref="TimelineSvg"/>), the election with its barrier
/// instants, the checks with their evidence, the gaps and the times the coordinator was down. docs/report.md.
/// </summary>
public static class ReportPage
{
    private const string Style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1a1a1a; background: #fff; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
        .status-completed { color: #1b7837; } .status-failed, .status-aborted { color: #b2182b; } .status-in-progress { color: #b35806; }
        dl.summary { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 12px 0; }
        dl.summary dt { color: #555; } dl.summary dd { margin: 0; }
        table { border-collapse: collapse; margin: 4px 0; } th, td { border-bottom: 1px solid #ddd; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
        td.pass { color: #1b7837; font-weight: 600; } td.fail { color: #b2182b; font-weight: 600; }
        .failure { border-left: 4px solid #b2182b; padding: 6px 10px; background: #fdecea; white-space: pre-wrap; }
        .scroll { overflow-x: auto; } svg.timeline { max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
        svg .heading { font-weight: 700; font-size: 12px; } svg .label, svg .tick { fill: #333; } svg .tick { text-anchor: middle; }
        svg .grid { stroke: #e6e6e6; } svg .served { stroke: #9ecae1; stroke-width: 2; }
        svg .in-bar { fill: #111; font-size: 10px; pointer-events: none; } svg .gap-text { fill: #b2182b; font-size: 10px; }
        svg .down-text { fill: #6a3d9a; font-weight: 700; font-size: 10px; }
        .outcome-done { fill: #4575b4; } .outcome-failed { fill: #d73027; } .outcome-interrupted { fill: #fdae61; } .outcome-other { fill: #999; }
        .mode-leader { fill: #1b7837; } .mode-follower { fill: #7fbf7b; } .mode-observer { fill: #67a9cf; } .mode-standalone { fill: #9970ab; }
        .mode-looking { fill: #fdb863; } .mode-stopped { fill: #d9d9d9; } .mode-other { fill: #bababa; }
        .gap { fill: #d73027; } .barrier line { stroke: #000; stroke-width: 2; } .barrier path { fill: #000; }
        .down-bg { fill: #cab2d6; fill-opacity: 0.35; } .down-line { stroke: #6a3d9a; stroke-width: 2; stroke-opacity: 0.5; }
        code { font: 12px ui-monospace, monospace; }
        """;

    /// <summary>The whole page for <paramref name="report"/>; every string from the report is escaped.</summary>
    public static string Render(MigrationReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        // Nothing may load from elsewhere: the page is opened from a file on a machine that may have no network.
        page.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        page.Append(inv, $"<title>Migration {Html.Text(report.PlanId)}: {Html.Text(report.Status)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n");
        page.Append(inv, $"<h1>Migration <code>{Html.Text(report.PlanId)}</code> ({Html.Text(report.Strategy)}): <span class=\"status-{StatusClass(report.Status)}\" data-status=\"{Html.Text(report.Status)}\">{Html.Text(report.Status.ToUpperInvariant())}</span></h1>\n");
        Summary(page, report);
        if (report.Failure is not null)
        {
            page.Append(inv, $"<p class=\"failure\">{Html.Text(report.Failure)}</p>\n");
        }

        page.Append("<h2>Timeline</h2>\n<div class=\"scroll\">\n").Append(TimelineSvg.Render(report)).Append("</div>\n");
        Election(page, report);
        Checks(page, report);
        Gaps(page, report);
        page.Append(inv, $"<p><small>Report schema version {report.SchemaVersion}; the same data is in report.json beside this page (docs/report.md).</small></p>\n");
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    private static void Summary(StringBuilder page, MigrationReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        page.Append("<dl class=\"summary\">\n");
        void Row(string term, string value) => page.Append(inv, $"<dt>{Html.Text(term)}</dt><dd>{Html.Text(value)}</dd>\n");
        if (report.StartedAt is { } started)
        {
            Row("started", Html.Instant(started));
        }

        if (report.EndedAt is { } ended)
        {
            Row("last record", Html.Instant(ended));
        }

        if (report.TotalSeconds is { } total)
        {
            Row("duration", total.ToString("0.0 's'", inv));
        }

        Row("destination window (longest gap)", report.DestinationWindowMs.ToString("0 'ms'", inv));
        Row("source longest gap (other tenants)", report.SourceLongestGapMs.ToString("0 'ms'", inv));
        if (report.Workload is { } w)
        {
            Row("workload", $"{w.AcknowledgedWrites} acknowledged writes, {w.MissingOnDestination} missing on the destination, {w.Expiries} session expiries, longest gap {w.LongestGapMs} ms");
        }

        Row("coordinator down", report.CoordinatorDown.Count == 0
            ? "never (one uninterrupted run)"
            : string.Join("; ", report.CoordinatorDown.Select(d => $"{Html.Clock(d.From)} → {Html.Clock(d.To)} ({d.Seconds.ToString("0.0", inv)} s, unmeasured), then {d.ResumedAs}")));
        page.Append("</dl>\n");
    }

    private static void Election(StringBuilder page, MigrationReport report)
    {
        if (report.Election is not { } e)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        page.Append("<h2>Destination election</h2>\n");
        page.Append(inv, $"<p>Leader <b>{e.Leader}</b> at {Html.Text(Zxid.Format(e.LeaderZxid))} (highest zxid on disk {Html.Text(Zxid.Format(e.HighestZxid))}); elected {(e.ElectedAt - e.StartedAt).TotalSeconds.ToString("0.00", inv)} s after the first wave started, every node following after {(e.CompletedAt - e.StartedAt).TotalSeconds.ToString("0.00", inv)} s. First-wave barrier skew <b data-skew-ms=\"{e.SkewMilliseconds.ToString("0.###", inv)}\">{e.SkewMilliseconds.ToString("0.0", inv)} ms</b>.</p>\n");
        page.Append("<table class=\"election\"><tr><th>server</th><th>zxid on disk</th><th>wave</th><th>barrier fired (UTC)</th></tr>\n");
        foreach (var (id, zxid) in e.Zxids.OrderBy(z => z.Key, StringComparer.Ordinal))
        {
            var server = int.TryParse(id, NumberStyles.Integer, inv, out var n) ? n : -1;
            var wave = e.FirstWave.Contains(server) ? "1" : e.SecondWave.Contains(server) ? "2" : "";
            var fired = e.Fired.TryGetValue(id, out var f) ? Html.Clock(f.WallTime) : "";
            page.Append(inv, $"<tr><td>{Html.Text(id)}{(server == e.Leader ? " (leader)" : "")}</td><td>{Html.Text(Zxid.Format(zxid))}</td><td>{wave}</td><td>{fired}</td></tr>\n");
        }

        page.Append("</table>\n");
    }

    private static void Checks(StringBuilder page, MigrationReport report)
    {
        page.Append("<h2>Checks</h2>\n");
        if (report.Checks.Count == 0)
        {
            page.Append("<p>No verification ran (the run did not reach the verify step).</p>\n");
            return;
        }

        page.Append("<table class=\"checks\"><tr><th></th><th>check</th><th>evidence</th></tr>\n");
        foreach (var check in report.Checks)
        {
            page.Append(CultureInfo.InvariantCulture, $"<tr data-check=\"{Html.Text(check.Name)}\"><td class=\"{(check.Passed ? "pass\">PASS" : "fail\">FAIL")}</td><td>{Html.Text(check.Name)}</td><td>{Html.Text(check.Detail)}</td></tr>\n");
        }

        page.Append("</table>\n");
    }

    private static void Gaps(StringBuilder page, MigrationReport report)
    {
        page.Append("<h2>Gaps</h2>\n");
        if (report.Gaps.Count == 0)
        {
            page.Append("<p>No gap seen: some server of each cluster served at every poll.</p>\n");
            return;
        }

        page.Append("<table class=\"gap-list\"><tr><th>cluster</th><th>from (UTC)</th><th>to (UTC)</th><th>ms</th></tr>\n");
        foreach (var gap in report.Gaps)
        {
            page.Append(CultureInfo.InvariantCulture, $"<tr><td>{Html.Text(gap.Cluster)}</td><td>{Html.Clock(gap.Start)}</td><td>{Html.Clock(gap.End)}</td><td>{gap.Milliseconds.ToString("0", CultureInfo.InvariantCulture)}</td></tr>\n");
        }

        page.Append("</table>\n");
    }

    private static string StatusClass(string status) => status switch
    {
        "completed" => "completed",
        "failed" => "failed",
        "aborted" => "aborted",
        _ => "in-progress",
    };
}
