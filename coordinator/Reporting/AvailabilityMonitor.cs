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

    /// <summary>
    /// Clusters known to have served before this monitor started (e.g. the destination once the join completed, for a
    /// resumed run): a cluster down at the first poll is then a gap from that poll, not a cluster not yet started.
    /// </summary>
    public IReadOnlySet<string> ServedBefore { get; init; } = new HashSet<string>();

    /// <summary>Called (on the monitor's loop) with each gap as it closes, e.g. to journal it at once.</summary>
    public Func<Gap, Task>? OnGap { get; init; }

    /// <summary>Called (on the monitor's loop, must be quick and not throw) with every server's answer to each poll: cluster, server, answer.</summary>
    public Action<string, ServerSpec, ServerObservation>? OnObservation { get; init; }

    /// <summary>
    /// Called (on the monitor's loop) with the mode spans that closed in one poll (a server changed mode), e.g. to
    /// journal them at once; the spans still open when the monitor stops are in <see cref="ModesOpenAtStop"/>.
    /// </summary>
    public Func<IReadOnlyList<ServerModeSpan>, Task>? OnModeSpans { get; init; }

    /// <summary>Every server's mode span still open when <see cref="StopAsync"/> ended the loop, closed at that instant.</summary>
    public IReadOnlyList<ServerModeSpan> ModesOpenAtStop
    {
        get
        {
            lock (_gaps)
            {
                return _modesOpenAtStop.ToList();
            }
        }
    }

    private readonly List<ServerModeSpan> _modesOpenAtStop = [];
    private readonly ModeRecorder _modes = new();

    /// <summary>The gaps still open when <see cref="StopAsync"/> ended the loop (named "… (still down)").</summary>
    public IReadOnlyList<Gap> OpenAtStop
    {
        get
        {
            lock (_gaps)
            {
                return _openAtStop.ToList();
            }
        }
    }

    private readonly List<Gap> _openAtStop = [];

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
        var seen = new HashSet<string>(ServedBefore);
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (name, servers) in new[] { ("source", plan.Source), ("destination", plan.Destination) })
            {
                var observations = await Task.WhenAll(servers.Select(async s =>
                {
                    ServerObservation observation;
                    try
                    {
                        observation = await inspector.ObserveServerAsync(s, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        observation = new ServerObservation(false, null, -1, e.Message);
                    }

                    OnObservation?.Invoke(name, s, observation);
                    return observation;
                })).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var closedModes = servers.Zip(observations).Select(p => _modes.Observe(name, p.First, p.Second, now)).OfType<ServerModeSpan>().ToList();
                if (closedModes.Count > 0 && OnModeSpans is not null)
                {
                    await OnModeSpans(closedModes).ConfigureAwait(false);
                }

                var serving = observations.Any(o => o.Serving);
                if (serving)
                {
                    seen.Add(name);
                    if (open.Remove(name, out var start))
                    {
                        var gap = new Gap(name, start, now);
                        lock (_gaps)
                        {
                            _gaps.Add(gap);
                        }

                        if (OnGap is not null)
                        {
                            await OnGap(gap).ConfigureAwait(false);
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
            _openAtStop.AddRange(open.Select(o => new Gap(o.Key + " (still down)", o.Value, end)));
            _gaps.AddRange(_openAtStop);
            _modesOpenAtStop.AddRange(_modes.CloseAll(end));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
