using ZkMitosis.Testing.Prometheus;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Scrapes Prometheus endpoints in the background as a Prometheus server would (every <c>period</c>, a bounded
/// request each), parsing every answer strictly and checking its zkmitosis_ names. A target that does not answer
/// (restarting, not yet listening) is recorded as such; an answer that does not parse is a failure the test reports.
/// </summary>
internal sealed class MetricsScraper : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Scrape> _scrapes = [];
    private readonly Task _loop;
    private bool _stopped;

    private MetricsScraper(IReadOnlyDictionary<string, Uri> targets, TimeSpan period)
    {
        _loop = Task.Run(() => LoopAsync(targets, period));
    }

    /// <summary>One scrape: its target's name, when, and the exposition, or why there is none.</summary>
    public sealed record Scrape(string Target, DateTimeOffset At, PrometheusExposition? Exposition, string? Unreachable, string? Invalid);

    public static MetricsScraper Start(IReadOnlyDictionary<string, Uri> targets, TimeSpan period) => new(targets, period);

    /// <summary>The parsed scrapes of <paramref name="target"/>, oldest first.</summary>
    public IReadOnlyList<PrometheusExposition> Of(string target)
    {
        lock (_scrapes)
        {
            return _scrapes.Where(s => s.Target == target && s.Exposition is not null).Select(s => s.Exposition!).ToList();
        }
    }

    /// <summary>Answers that were not valid exposition text, or broke the naming rules.</summary>
    public IReadOnlyList<string> Invalid
    {
        get
        {
            lock (_scrapes)
            {
                return _scrapes.Where(s => s.Invalid is not null).Select(s => $"{s.Target} at {s.At:O}: {s.Invalid}").ToList();
            }
        }
    }

    private async Task LoopAsync(IReadOnlyDictionary<string, Uri> targets, TimeSpan period)
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var (name, uri) in targets)
            {
                var scrape = await ScrapeAsync(name, uri);
                lock (_scrapes)
                {
                    _scrapes.Add(scrape);
                }
            }

            try
            {
                await Task.Delay(period, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Scrape> ScrapeAsync(string name, Uri uri)
    {
        var at = DateTimeOffset.UtcNow;
        string text;
        try
        {
            text = await _http.GetStringAsync(uri, _stop.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Scrape(name, at, null, e.Message, null);
        }

        try
        {
            var exposition = PrometheusText.Parse(text);
            var problems = PrometheusNaming.Problems(exposition, "zkmitosis_");
            return new Scrape(name, at, exposition, null, problems.Count == 0 ? null : string.Join("; ", problems));
        }
        catch (PrometheusFormatException e)
        {
            return new Scrape(name, at, null, null, e.Message);
        }
    }

    /// <summary>Stops scraping (after the scrape under way); the scrapes stay readable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _http.Dispose();
    }
}
