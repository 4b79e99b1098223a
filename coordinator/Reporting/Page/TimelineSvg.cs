using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Reporting.Page;

/// <summary>
/// The report page's timeline as inline SVG, on one time axis: the steps as spans, one band per ZooKeeper server
/// coloured by its mode (with its zxids), the barrier instants on the destination bands, the gaps the other tenants
/// (source), Kafka (destination) and the workload saw, and the intervals when the coordinator was down. Colours come
/// from the page's CSS classes (<see cref="ReportPage"/>). Every element a test or a reader looks for carries a
/// <c>data-</c> attribute: <c>data-step</c>, <c>data-host</c>, <c>data-mode</c>, <c>data-gap</c>, <c>data-barrier</c>.
/// </summary>
internal sealed class TimelineSvg
{
    private const double Width = 1200;
    private const double Left = 250;
    private const double Right = Width - 20;
    private const double RowHeight = 18;
    private const double RowStep = 22;
    private const double AxisHeight = 34;

    /// <summary>The modes that have a colour of their own; anything else a server reports is drawn as "other".</summary>
    public static readonly IReadOnlyList<string> Modes = ["leader", "follower", "observer", "standalone", "looking", "stopped"];

    private readonly MigrationReport _report;
    private readonly TimeScale _scale;
    private readonly StringBuilder _body = new();
    private double _y = AxisHeight + 8;

    private TimelineSvg(MigrationReport report)
    {
        _report = report;
        var (start, end) = Extent(report);
        _scale = new TimeScale(start, end, Left, Right);
    }

    /// <summary>The <c>&lt;svg&gt;</c> element for <paramref name="report"/>.</summary>
    public static string Render(MigrationReport report) => new TimelineSvg(report).Draw();

    private string Draw()
    {
        var plotTop = _y;
        Steps();
        Hosts();
        Gaps();
        var plotBottom = _y;
        Downtimes(plotTop, plotBottom);
        Legend();

        var height = _y + 8;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 {Html.Number(Width)} {Html.Number(height)}\" width=\"{Html.Number(Width)}\" height=\"{Html.Number(height)}\" role=\"img\" aria-label=\"migration timeline\">\n");
        svg.Append("<defs><pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" class=\"down-bg\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" class=\"down-line\"/></pattern></defs>\n");
        Axis(svg, plotBottom);
        svg.Append(_body);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The first and last instant anything in the report happened.</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) Extent(MigrationReport report)
    {
        var instants = new List<DateTimeOffset>();
        void Add(DateTimeOffset? at)
        {
            if (at is { } value)
            {
                instants.Add(value);
            }
        }

        Add(report.StartedAt);
        Add(report.EndedAt);
        foreach (var step in report.Timeline)
        {
            Add(step.Started);
            Add(step.Ended);
        }

        foreach (var span in report.Hosts.SelectMany(h => h.Spans))
        {
            Add(span.From);
            Add(span.To);
        }

        foreach (var gap in report.Gaps)
        {
            Add(gap.Start);
            Add(gap.End);
        }

        foreach (var down in report.CoordinatorDown)
        {
            Add(down.From);
            Add(down.To);
        }

        return instants.Count == 0 ? (DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch) : (instants.Min(), instants.Max());
    }

    private void Axis(StringBuilder svg, double plotBottom)
    {
        var tick = _scale.TickSeconds();
        svg.Append("<g class=\"axis\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"8\" y=\"16\" class=\"label\">seconds from {Html.Clock(_scale.Start)} UTC</text>\n");
        for (var s = 0.0; s <= _scale.Seconds + 1e-9; s += tick)
        {
            var x = Html.Number(_scale.X(_scale.Start.AddSeconds(s)));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{Html.Number(AxisHeight - 6)}\" x2=\"{x}\" y2=\"{Html.Number(plotBottom)}\" class=\"grid\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{Html.Number(AxisHeight - 10)}\" class=\"tick\">+{s.ToString("0", CultureInfo.InvariantCulture)}</text>\n");
        }

        svg.Append("</g>\n");
    }

    private void Heading(string text)
    {
        _y += 6;
        _body.Append(CultureInfo.InvariantCulture, $"<text x=\"8\" y=\"{Html.Number(_y + 12)}\" class=\"heading\">{Html.Text(text)}</text>\n");
        _y += RowStep;
    }

    private void RowLabel(string text) =>
        _body.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{Html.Number(_y + 13)}\" class=\"label\">{Html.Text(text)}</text>");

    private void Bar(string cssClass, DateTimeOffset from, DateTimeOffset to, string title, string attributes = "")
    {
        _body.Append(CultureInfo.InvariantCulture, $"<rect class=\"{cssClass}\"{attributes} x=\"{Html.Number(_scale.X(from))}\" y=\"{Html.Number(_y)}\" width=\"{Html.Number(_scale.Width(from, to))}\" height=\"{Html.Number(RowHeight)}\"><title>{Html.Text(title)}</title></rect>");
    }

    private void Steps()
    {
        Heading("Steps");
        var end = _report.EndedAt ?? _scale.End;
        foreach (var step in _report.Timeline)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<g class=\"step\" data-step=\"{Html.Text(step.Step)}\" data-outcome=\"{Html.Text(step.Outcome)}\">");
            RowLabel(step.Attempts > 1 ? $"{step.Step} ({step.Attempts} attempts)" : step.Step);
            if (step.Started is { } started)
            {
                var ended = step.Ended ?? end;
                var seconds = (ended - started).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
                Bar($"span outcome-{OutcomeClass(step.Outcome)}", started, ended, $"{step.Step}: {step.Outcome}, {Html.Clock(started)} → {Html.Clock(ended)} ({seconds} s)");
            }

            _body.Append("</g>\n");
            _y += RowStep;
        }
    }

    private void Hosts()
    {
        if (_report.Hosts.Count == 0)
        {
            return;
        }

        Heading("ZooKeeper mode and zxid per server (srvr polls)");
        foreach (var host in _report.Hosts)
        {
            var id = host.ServerId.ToString(CultureInfo.InvariantCulture);
            _body.Append(CultureInfo.InvariantCulture, $"<g class=\"band\" data-host=\"{Html.Text(host.Endpoint)}\" data-cluster=\"{Html.Text(host.Cluster)}\" data-server-id=\"{id}\">");
            RowLabel($"{host.Cluster} {id} · {host.Endpoint}");
            foreach (var span in host.Spans)
            {
                var mode = Modes.Contains(span.Mode) ? span.Mode : "other";
                var zxids = span.FirstZxid is { } first ? $", zxid {Zxid.Format(first)} → {Zxid.Format(span.LastZxid ?? first)}" : "";
                Bar($"mode mode-{mode}", span.From, span.To, $"{host.Endpoint}: {span.Mode} {Html.Clock(span.From)} → {Html.Clock(span.To)}{zxids}", $" data-mode=\"{Html.Text(span.Mode)}\"");
                SpanText(span);
            }

            Barrier(host);
            _body.Append("</g>\n");
            _y += RowStep;
        }
    }

    /// <summary>The mode (and the last zxid, when there is room) written inside a wide enough span.</summary>
    private void SpanText(ModeSpan span)
    {
        var width = _scale.X(span.To) - _scale.X(span.From);
        var text = width >= 150 && span.LastZxid is { } zxid ? $"{span.Mode} {Zxid.Format(zxid)}" : width >= 60 ? span.Mode : null;
        if (text is not null)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Html.Number(_scale.X(span.From) + 4)}\" y=\"{Html.Number(_y + 13)}\" class=\"in-bar\">{Html.Text(text)}</text>");
        }
    }

    /// <summary>A destination node's start-barrier instant, as a mark across its band.</summary>
    private void Barrier(HostModeBand host)
    {
        var election = _report.Election;
        if (host.Cluster != "destination" || election is null || !election.Fired.TryGetValue(host.ServerId.ToString(CultureInfo.InvariantCulture), out var fired))
        {
            return;
        }

        var wave = election.FirstWave.Contains(host.ServerId) ? 1 : 2;
        var waveStart = election.Fired.Where(f => election.FirstWave.Contains(int.Parse(f.Key, CultureInfo.InvariantCulture)) == (wave == 1)).Min(f => f.Value.WallTime);
        var offset = (fired.WallTime - waveStart).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
        var x = Html.Number(_scale.X(fired.WallTime));
        var title = $"barrier fired {Html.Clock(fired.WallTime)} (wave {wave}, +{offset} ms after the wave's first; first wave skew {election.SkewMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms)";
        _body.Append(CultureInfo.InvariantCulture, $"<g class=\"barrier\" data-barrier=\"{wave}\"><line x1=\"{x}\" y1=\"{Html.Number(_y - 3)}\" x2=\"{x}\" y2=\"{Html.Number(_y + RowHeight + 3)}\"/><path d=\"M{x} {Html.Number(_y - 3)} l-4 -5 h8 z\"/><title>{Html.Text(title)}</title></g>");
    }

    private void Gaps()
    {
        Heading("Gaps (nobody served)");
        var skew = _report.Election is { } e ? $" · barrier skew {e.SkewMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms" : "";
        GapRow("source: the other tenants", "source", _report.Gaps.Where(g => g.Cluster.StartsWith("source", StringComparison.Ordinal)));
        GapRow("destination: Kafka" + skew, "destination", _report.Gaps.Where(g => g.Cluster.StartsWith("destination", StringComparison.Ordinal)));
        if (_report.Workload is { LongestGapEndedAt: { } ended } workload)
        {
            var gap = new Gap("workload", ended.AddMilliseconds(-workload.LongestGapMs), ended);
            GapRow("workload: longest gap", "workload", [gap]);
        }
    }

    private void GapRow(string label, string kind, IEnumerable<Gap> gaps)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<g class=\"gaps\" data-gap=\"{kind}\">");
        RowLabel(label);
        _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Html.Number(Left)}\" y1=\"{Html.Number(_y + (RowHeight / 2))}\" x2=\"{Html.Number(Right)}\" y2=\"{Html.Number(_y + (RowHeight / 2))}\" class=\"served\"/>");
        foreach (var gap in gaps)
        {
            var ms = gap.Milliseconds.ToString("0", CultureInfo.InvariantCulture);
            Bar("gap", gap.Start, gap.End, $"{gap.Cluster}: no server served {Html.Clock(gap.Start)} → {Html.Clock(gap.End)} ({ms} ms)");
            _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Html.Number(_scale.X(gap.Start) + _scale.Width(gap.Start, gap.End) + 3)}\" y=\"{Html.Number(_y + 13)}\" class=\"gap-text\">{ms} ms</text>");
        }

        _body.Append("</g>\n");
        _y += RowStep;
    }

    private void Downtimes(double top, double bottom)
    {
        foreach (var down in _report.CoordinatorDown)
        {
            var seconds = down.Seconds.ToString("0.0", CultureInfo.InvariantCulture);
            var x = _scale.X(down.From);
            _body.Append(CultureInfo.InvariantCulture, $"<g class=\"coordinator-down\" data-down-seconds=\"{seconds}\"><rect x=\"{Html.Number(x)}\" y=\"{Html.Number(top)}\" width=\"{Html.Number(_scale.Width(down.From, down.To))}\" height=\"{Html.Number(bottom - top)}\" fill=\"url(#hatch)\"><title>{Html.Text($"coordinator down {Html.Clock(down.From)} → {Html.Clock(down.To)} ({seconds} s, nothing measured), then {down.ResumedAs}")}</title></rect>");
            _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Html.Number(x + 2)}\" y=\"{Html.Number(top + 10)}\" class=\"down-text\">coordinator down {seconds} s</text></g>\n");
        }
    }

    private void Legend()
    {
        _y += 10;
        var x = 16.0;
        string[] entries = [.. Modes.Select(m => $"mode-{m}|{m}"), "outcome-done|step done", "outcome-failed|step failed", "outcome-interrupted|step interrupted", "gap|gap"];
        _body.Append("<g class=\"legend\">");
        foreach (var entry in entries)
        {
            var (css, label) = (entry[..entry.IndexOf('|', StringComparison.Ordinal)], entry[(entry.IndexOf('|', StringComparison.Ordinal) + 1)..]);
            _body.Append(CultureInfo.InvariantCulture, $"<rect class=\"{css}\" x=\"{Html.Number(x)}\" y=\"{Html.Number(_y)}\" width=\"12\" height=\"12\"/><text x=\"{Html.Number(x + 16)}\" y=\"{Html.Number(_y + 10)}\" class=\"label\">{Html.Text(label)}</text>");
            x += 30 + (label.Length * 6.5);
        }

        _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Html.Number(x)}\" y=\"{Html.Number(_y)}\" width=\"12\" height=\"12\" fill=\"url(#hatch)\"/><text x=\"{Html.Number(x + 16)}\" y=\"{Html.Number(_y + 10)}\" class=\"label\">coordinator down</text>");
        _body.Append("</g>\n");
        _y += 16;
    }

    private static string OutcomeClass(string outcome) => outcome is "done" or "failed" or "interrupted" ? outcome : "other";
}
