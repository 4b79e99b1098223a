using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Reporting;

/// <summary>An interval during which a cluster (or a server) did not serve.</summary>
public sealed record Gap(string Cluster, DateTimeOffset Start, DateTimeOffset End)
{
    public double Milliseconds => (End - Start).TotalMilliseconds;
}

/// <summary>
/// Polls <c>srvr</c> on every source and destination server while a migration runs and records each cluster's
/// unavailability windows: a cluster is available when one of its servers serves. The destination counts only
/// once it first served (it is empty and stopped before the join).
/// </summary>
public sealed class AvailabilityMonitor(MigrationPlan plan, IClusterInspector inspector, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly List<Gap> _gaps = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Poll period; default 100 ms (gaps are measured to about this resolution).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromMilliseconds(100);

    public IReadOnlyList<Gap> Gaps
    {
        get
        {
            lock (_gaps)
            {
                return _gaps.ToList();
            }
        }
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public async Task<IReadOnlyList<Gap>> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        return Gaps;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var open = new Dictionary<string, DateTimeOffset>();
        var seen = new HashSet<string>();
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (name, servers) in new[] { ("source", plan.Source), ("destination", plan.Destination) })
            {
                var observations = await Task.WhenAll(servers.Select(async s =>
                {
                    try
                    {
                        return await inspector.ObserveServerAsync(s, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        return new ServerObservation(false, null, -1, e.Message);
                    }
                })).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var serving = observations.Any(o => o.Serving);
                if (serving)
                {
                    seen.Add(name);
                    if (open.Remove(name, out var start))
                    {
                        lock (_gaps)
                        {
                            _gaps.Add(new Gap(name, start, now));
                        }
                    }
                }
                else if (seen.Contains(name))
                {
                    open.TryAdd(name, now);
                }
            }

            try
            {
                await Task.Delay(Period, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        var end = _time.GetUtcNow();
        lock (_gaps)
        {
            _gaps.AddRange(open.Select(o => new Gap(o.Key + " (still down)", o.Value, end)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
