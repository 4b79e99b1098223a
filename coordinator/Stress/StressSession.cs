using System.Globalization;
using System.Text;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Stress;

/// <summary>
/// One writer of a stress run: its own ZooKeeper session, an ephemeral, and a loop that writes serial
/// 1, 2, 3, … moving on only when the current serial is acknowledged. A write whose outcome is unknown
/// (connection lost, timeout) is retried with the same serial; NodeExists on a retry means the earlier
/// attempt landed, which is an acknowledgement too.
/// </summary>
internal sealed class StressSession : IAsyncDisposable
{
    // Retry quickly: the point is to measure the servers' unavailability, not our own back-off.
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(20);

    private readonly StressOptions _options;
    private readonly Func<string> _currentConnectString;
    private readonly TimeProvider _time;
    private readonly List<long> _sessionIds = [];
    private readonly Lock _gate = new();
    private ZooKeeperClient _client;
    private long _lastAcknowledged;
    private int _expiries;
    private long _retried;
    private long _longestGapTicks;
    private DateTimeOffset? _longestGapEndedAt;
    private long _lastAckTimestamp;
    private string? _lastError;
    private volatile bool _expired;

    private StressSession(int index, string writesPath, string ephemeralPath, StressOptions options, Func<string> currentConnectString, ZooKeeperClient client, TimeProvider time)
    {
        Index = index;
        WritesPath = writesPath;
        EphemeralPath = ephemeralPath;
        _options = options;
        _currentConnectString = currentConnectString;
        _time = time;
        _client = client;
        Attach(client);
    }

    public int Index { get; }

    public string WritesPath { get; }

    public string EphemeralPath { get; }

    public long LastAcknowledged => Interlocked.Read(ref _lastAcknowledged);

    public static async Task<StressSession> OpenAsync(int index, string runPath, StressOptions options, Func<string> currentConnectString, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = index.ToString("D3", CultureInfo.InvariantCulture);
        var writesPath = $"{runPath}/s{name}";
        var ephemeralPath = $"{runPath}/ephemerals/s{name}";
        var client = await ConnectAsync(options, currentConnectString(), cancellationToken).ConfigureAwait(false);
        var session = new StressSession(index, writesPath, ephemeralPath, options, currentConnectString, client, time);
        try
        {
            await CreateIfMissingAsync(client, writesPath, cancellationToken).ConfigureAwait(false);
            await session.CreateEphemeralAsync(client, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Moves this session to <paramref name="hosts"/>, keeping the session.</summary>
    public void SwitchServers(string hosts)
    {
        ZooKeeperClient client;
        lock (_gate)
        {
            client = _client;
        }

        client.UpdateServerList(hosts);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _lastAckTimestamp = _time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            var serial = _lastAcknowledged + 1;
            try
            {
                if (_expired)
                {
                    await ReplaceExpiredSessionAsync(cancellationToken).ConfigureAwait(false);
                }

                await WriteAsync(serial, cancellationToken).ConfigureAwait(false);
                Acknowledge(serial);
                if (_options.WriteInterval > TimeSpan.Zero)
                {
                    await Task.Delay(_options.WriteInterval, _time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.SessionExpired)
            {
                _expired = true;
                Fail(e);
            }
            catch (Exception e) when (e is KeeperException or TimeoutException or IOException)
            {
                Fail(e);
                try
                {
                    await Task.Delay(RetryPause, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>What this session saw; <paramref name="ephemeralHeld"/> comes from <see cref="CheckEphemeralAsync"/>.</summary>
    public StressSessionResult ToResult(bool ephemeralHeld)
    {
        lock (_gate)
        {
            return new StressSessionResult
            {
                Index = Index,
                WritesPath = WritesPath,
                EphemeralPath = EphemeralPath,
                LastAcknowledgedSerial = _lastAcknowledged,
                Expiries = _expiries,
                LongestGapMs = (long)_time.GetElapsedTime(0, _longestGapTicks).TotalMilliseconds,
                LongestGapEndedAt = _longestGapEndedAt,
                RetriedWrites = _retried,
                SessionIds = [.. _sessionIds],
                EphemeralHeldAtStop = ephemeralHeld,
                LastError = _lastError,
            };
        }
    }

    /// <summary>True when the ephemeral exists and is owned by the current session.</summary>
    public async Task<bool> CheckEphemeralAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stat = await _client.ExistsAsync(EphemeralPath, cancellationToken: cancellationToken).ConfigureAwait(false);
            return stat is not null && stat.EphemeralOwner == _client.SessionId;
        }
        catch (KeeperException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        ZooKeeperClient client;
        lock (_gate)
        {
            client = _client;
        }

        Detach(client);
        await client.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<ZooKeeperClient> ConnectAsync(StressOptions options, string connectString, CancellationToken cancellationToken)
    {
        var clientOptions = new ZooKeeperClientOptions
        {
            SessionTimeout = options.SessionTimeout,
            ConnectTimeout = options.ConnectTimeout,
            RequestTimeout = options.RequestTimeout,
            ReconnectDelay = options.ReconnectDelay,
            Tls = options.Security?.Tls,
            Sasl = options.Security?.Sasl,
        };
        return await ZooKeeperClient.ConnectAsync(connectString, clientOptions, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task CreateIfMissingAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        var next = 0;
        while (next >= 0)
        {
            next = path.IndexOf('/', next + 1);
            var prefix = next < 0 ? path : path[..next];
            try
            {
                await client.CreateAsync(prefix, ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
            {
                // Already there: a previous run, another session, or our own retried attempt.
            }
        }
    }

    private async Task WriteAsync(long serial, CancellationToken cancellationToken)
    {
        ZooKeeperClient client;
        lock (_gate)
        {
            client = _client;
        }

        var data = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{serial}"));
        try
        {
            await client.CreateAsync($"{WritesPath}/w{serial:D10}", data, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
        {
            // An earlier attempt of this serial landed although its reply was lost.
        }
    }

    private async Task CreateEphemeralAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        await CreateIfMissingAsync(client, EphemeralPath[..EphemeralPath.LastIndexOf('/')], cancellationToken).ConfigureAwait(false);
        try
        {
            await client.CreateAsync(EphemeralPath, Encoding.ASCII.GetBytes(client.SessionId.ToString("x16", CultureInfo.InvariantCulture)), CreateMode.Ephemeral, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
        {
            // Our own retried create, or the expired session's ephemeral not yet removed: the latter is seen in the report.
        }
    }

    private async Task ReplaceExpiredSessionAsync(CancellationToken cancellationToken)
    {
        var replacement = await ConnectAsync(_options, _currentConnectString(), cancellationToken).ConfigureAwait(false);
        ZooKeeperClient old;
        lock (_gate)
        {
            old = _client;
            _client = replacement;
            _expiries++;
        }

        Detach(old);
        Attach(replacement);
        _expired = false;
        await old.DisposeAsync().ConfigureAwait(false);
        await CreateEphemeralAsync(replacement, cancellationToken).ConfigureAwait(false);
    }

    private void Attach(ZooKeeperClient client)
    {
        lock (_gate)
        {
            _sessionIds.Add(client.SessionId);
        }

        client.StateChanged += OnStateChanged;
    }

    private void Detach(ZooKeeperClient client) => client.StateChanged -= OnStateChanged;

    private void OnStateChanged(ZooKeeperStateChange change)
    {
        if (change.Current == ZooKeeperState.Expired)
        {
            _expired = true;
        }
    }

    private void Acknowledge(long serial)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            Interlocked.Exchange(ref _lastAcknowledged, serial);
            var gap = now - _lastAckTimestamp;
            if (gap > _longestGapTicks)
            {
                _longestGapTicks = gap;
                _longestGapEndedAt = _time.GetUtcNow();
            }

            _lastAckTimestamp = now;
        }
    }

    private void Fail(Exception e)
    {
        lock (_gate)
        {
            _retried++;
            _lastError = e.Message;
        }
    }
}
