using System.Globalization;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Stress;

/// <summary>
/// The migration's witness workload: many ZooKeeper sessions writing serial-numbered znodes and holding
/// ephemerals, following a connect-string switch session by session. Start it, switch it when the Kafka
/// switch happens, stop it, then <see cref="VerifyAsync"/> against the destination.
/// </summary>
public sealed class StressWorkload : IAsyncDisposable
{
    private readonly StressOptions _options;
    private readonly IReadOnlyList<StressSession> _sessions;
    private readonly List<Task> _loops;
    private readonly CancellationTokenSource _stop = new();
    private readonly DateTimeOffset _startedAt;
    private readonly StressTarget _target;
    private StressResult? _result;

    private StressWorkload(StressOptions options, string runPath, StressTarget target, IReadOnlyList<StressSession> sessions, DateTimeOffset startedAt)
    {
        _options = options;
        RunPath = runPath;
        _target = target;
        _sessions = sessions;
        _startedAt = startedAt;
        _loops = [.. sessions.Select(s => Task.Run(() => s.RunAsync(_stop.Token)))];
    }

    /// <summary>The run's znode (seen through the chroot).</summary>
    public string RunPath { get; }

    /// <summary>The host list sessions use now (the last <see cref="SwitchServers"/>, or the start's).</summary>
    public string Hosts => _target.Hosts;

    /// <summary>Acknowledged writes so far, over all sessions (live).</summary>
    public long AcknowledgedWrites => _sessions.Sum(s => s.LastAcknowledged);

    /// <summary>Connects every session, creates the run's znodes and ephemerals, and starts writing.</summary>
    /// <exception cref="ZooKeeper.KeeperException">a session could not be established or its znodes created.</exception>
    /// <exception cref="ArgumentException">the connect string is malformed (an IPv6 host without brackets included).</exception>
    public static Task<StressWorkload> StartAsync(StressOptions options, CancellationToken cancellationToken) =>
        StartAsync(options, TimeProvider.System, cancellationToken);

    internal static async Task<StressWorkload> StartAsync(StressOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var target = new StressTarget(ConnectionString.Parse(options.ConnectString));
        var runName = options.RunName ?? string.Create(CultureInfo.InvariantCulture, $"run-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}");
        var runPath = options.BasePath == "/" ? "/" + runName : $"{options.BasePath}/{runName}";
        var startedAt = time.GetUtcNow();
        var opening = Enumerable.Range(0, options.Sessions)
            .Select(i => StressSession.OpenAsync(i, runPath, options, () => target.ConnectString, time, cancellationToken))
            .ToList();
        try
        {
            await Task.WhenAll(opening).ConfigureAwait(false);
        }
        catch
        {
            foreach (var task in opening.Where(t => t.IsCompletedSuccessfully))
            {
                await task.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var sessions = opening.Select(t => t.Result).ToList();
        return new StressWorkload(options, runPath, target, sessions, startedAt);
    }

    /// <summary>
    /// Moves every session to <paramref name="hosts"/> (<c>host:port,…</c>; a chroot suffix is ignored: the
    /// run's chroot stays), one session after the other, each keeping its session id.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hosts"/> is not a connect string.</exception>
    public void SwitchServers(string hosts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hosts);
        _target.MoveTo(ConnectionString.Parse(hosts));
        foreach (var session in _sessions)
        {
            session.SwitchServers(_target.Hosts);
        }
    }

    /// <summary>Stops writing, checks each session still holds its ephemeral, closes the sessions and returns what they saw.</summary>
    public async Task<StressResult> StopAsync()
    {
        if (_result is not null)
        {
            return _result;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        var stoppedAt = DateTimeOffset.UtcNow;
        using var checkTimeout = new CancellationTokenSource(_options.RequestTimeout * 2);
        var held = await Task.WhenAll(_sessions.Select(s => s.CheckEphemeralAsync(checkTimeout.Token))).ConfigureAwait(false);
        var sessions = _sessions.Select((s, i) => s.ToResult(held[i])).ToList();
        foreach (var session in _sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        _result = new StressResult
        {
            ConnectString = _options.ConnectString,
            Chroot = _target.Chroot,
            RunPath = RunPath,
            StartedAt = _startedAt,
            StoppedAt = stoppedAt,
            Sessions = sessions,
        };
        return _result;
    }

    /// <summary>
    /// Checks that every acknowledged write of <paramref name="result"/> is present on the servers of
    /// <paramref name="connectString"/>. Without a chroot in <paramref name="connectString"/> the run's chroot is used.
    /// <paramref name="security"/> gives TLS and SASL for a secured ensemble.
    /// </summary>
    public static Task<StressVerification> VerifyAsync(string connectString, StressResult result, CancellationToken cancellationToken, ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? security = null) =>
        StressVerifier.VerifyAsync(connectString, result, cancellationToken, security);

    public async ValueTask DisposeAsync()
    {
        if (_result is null)
        {
            try
            {
                await StopAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is ZooKeeper.KeeperException or OperationCanceledException)
            {
                // Disposal is best effort; StopAsync is where results and errors are reported.
            }
        }

        _stop.Dispose();
    }
}
