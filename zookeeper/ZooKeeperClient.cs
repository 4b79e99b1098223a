using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Protocol;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper;

/// <summary>
/// A ZooKeeper session over the jute wire protocol, with the behaviour of the official Java client: one
/// connection at a time, many requests in flight on it, reconnection to another server of the list with the
/// same session after a loss, pings, one-shot watches re-registered after a reconnect, a chroot.
/// Thread-safe; every call is async and bounded by <see cref="ZooKeeperClientOptions.RequestTimeout"/>.
/// </summary>
public sealed partial class ZooKeeperClient : IAsyncDisposable, IConnectionOwner
{
    private readonly ZooKeeperClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HostList _hosts;
    private readonly long _requestTimeoutTicks;
    private readonly Lock _stateLock = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<(string Scheme, byte[] Auth)> _auths = [];
    private readonly EventDispatcher _dispatcher;
    private readonly ConnectionSecurity _security;
    private volatile ZooKeeperAuthenticationException? _authFailure;
    private volatile ZooKeeperConnection? _connection;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ZooKeeperState _state = ZooKeeperState.Connecting;
    private long _sessionId;
    private byte[] _password = [];
    private int _negotiatedTimeoutMs;
    private long _lastZxid;
    private int _xid;
    private volatile bool _closeRequested;
    private Task? _closeTask;
    private volatile bool _multiReadUnsupported;

    private ZooKeeperClient(ConnectionString connectionString, ZooKeeperClientOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        _logger = options.Logger ?? NullLogger.Instance;
        _hosts = new HostList(connectionString.Hosts);
        Chroot = connectionString.Chroot;
        _requestTimeoutTicks = (long)(options.RequestTimeout.TotalSeconds * _time.TimestampFrequency);
        _sessionId = options.SessionId;
        _password = options.SessionPassword.ToArray();
        _dispatcher = new EventDispatcher(_logger);
        _security = new ConnectionSecurity(options.Tls is null ? null : TlsClientContext.Load(options.Tls, _time), options.Sasl, NextXid);
    }

    public long SessionId => Interlocked.Read(ref _sessionId);

    public ReadOnlyMemory<byte> SessionPassword
    {
        get
        {
            lock (_stateLock)
            {
                return _password;
            }
        }
    }

    public TimeSpan NegotiatedSessionTimeout => TimeSpan.FromMilliseconds(Volatile.Read(ref _negotiatedTimeoutMs));

    public ZooKeeperState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>"host:port" of the server the session is on; null while disconnected.</summary>
    public string? ConnectedServer => _connection?.Server;

    /// <summary>The chroot of the connection string (e.g. "/kafka"), or null.</summary>
    public string? Chroot { get; }

    /// <summary>The highest zxid seen in any reply: what the session has observed.</summary>
    public long LastZxidSeen => Interlocked.Read(ref _lastZxid);

    /// <summary>Raised on the event dispatcher (in order with watch events), never on the read loop or under a lock.</summary>
    public event Action<ZooKeeperStateChange>? StateChanged;

    internal WatchRegistry Watches { get; } = new();

    /// <summary>
    /// Connects to one of the servers of <paramref name="connectString"/> (<c>host:port[,host:port…][/chroot]</c>)
    /// and establishes a session (or resumes the one in the options). Tries the hosts in turn, for up to the
    /// session timeout. Throws <see cref="KeeperException"/> ConnectionLoss when no server gave a session,
    /// SessionExpired when the session to resume is gone.
    /// </summary>
    public static async Task<ZooKeeperClient> ConnectAsync(string connectString, ZooKeeperClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ZooKeeperClientOptions();
        options.Validate();
        var parsed = ConnectionString.Parse(connectString);
        var client = new ZooKeeperClient(parsed, options);
        try
        {
            await client.ConnectFirstAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.ShutdownAsync(ZooKeeperState.Closed).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Replaces the host list (the chroot stays; a chroot suffix in <paramref name="hosts"/> is ignored). When the
    /// current server is not in the new list, the client stops sending on it, lets the requests in flight finish,
    /// and moves to a server of the new list with the same session.
    /// </summary>
    public void UpdateServerList(string hosts)
    {
        var parsed = ConnectionString.Parse(hosts);
        _hosts.Replace(parsed.Hosts);
        var connection = _connection;
        if (connection is not null && !_hosts.Contains(connection.Server))
        {
            ZooKeeperClientLog.MovingServer(_logger, connection.Server);
            lock (_stateLock)
            {
                if (_connection == connection)
                {
                    _connection = null;
                    if (_connected.Task.IsCompleted)
                    {
                        _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }
            }

            connection.Drain(_options.RequestTimeout, new IOException($"{connection.Server} is not in the updated server list"));
        }
    }

    /// <summary>Closes the session on the server (its ephemeral nodes go at once), then the connection. Idempotent.</summary>
    public Task CloseAsync(CancellationToken cancellationToken = default)
    {
        lock (_stateLock)
        {
            _closeTask ??= CloseCoreAsync();
        }

        return _closeTask.WaitAsync(cancellationToken);
    }

    /// <summary>Same as <see cref="CloseAsync"/>; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is KeeperException or OperationCanceledException or ObjectDisposedException or TimeoutException)
        {
            // Best effort: the session expires on the server by itself.
        }
    }

    void IConnectionOwner.OnZxidSeen(long zxid)
    {
        var current = Interlocked.Read(ref _lastZxid);
        while (zxid > current)
        {
            var previous = Interlocked.CompareExchange(ref _lastZxid, zxid, current);
            if (previous == current)
            {
                return;
            }

            current = previous;
        }
    }

    void IConnectionOwner.OnNotification(int type, int state, string? serverPath)
    {
        if (serverPath is null || type is < 1 or > 4)
        {
            return;
        }

        var eventType = (WatchEventType)type;
        var watchers = Watches.Take(eventType, serverPath);
        CollectPersistentWatchers(eventType, serverPath, watchers);
        if (watchers.Count == 0)
        {
            return;
        }

        var watchedEvent = new WatchedEvent(eventType, ZooKeeperState.Connected, ToClientPath(serverPath));
        foreach (var watcher in watchers)
        {
            _dispatcher.Post(() => watcher(watchedEvent));
        }
    }

    void IConnectionOwner.OnAuthFailed(ZooKeeperConnection connection)
    {
        ZooKeeperClientLog.AuthFailed(_logger, connection.Server);
        _ = ShutdownAsync(ZooKeeperState.AuthFailed);
    }

    ZooKeeperAuthenticationException IConnectionOwner.OnSaslRequired(ZooKeeperConnection connection)
    {
        var refused = new ZooKeeperAuthenticationException(ZooKeeperAuthenticationFailure.SaslRequired, connection.Server,
            _options.Sasl is null
                ? "the server requires SASL authentication and this client has no SASL credentials; give a credentials file"
                : "the server requires SASL authentication and closed the session as unauthenticated");
        ZooKeeperClientLog.AuthFailed(_logger, connection.Server);
        _authFailure = refused;
        _ = ShutdownAsync(ZooKeeperState.AuthFailed);
        return refused;
    }

    internal string ToServerPath(string clientPath) =>
        Chroot is null ? clientPath : clientPath.Length == 1 ? Chroot : string.Concat(Chroot, clientPath);

    internal string ToClientPath(string serverPath)
    {
        if (Chroot is null || !serverPath.StartsWith(Chroot, StringComparison.Ordinal))
        {
            return serverPath;
        }

        if (serverPath.Length == Chroot.Length)
        {
            return "/";
        }

        return serverPath[Chroot.Length] == '/' ? serverPath[Chroot.Length..] : serverPath;
    }

    private int NextXid()
    {
        // Non-negative: the negative xids are reserved for pings, events, auth and setWatches.
        return Interlocked.Increment(ref _xid) & int.MaxValue;
    }

    private async Task ConnectFirstAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(Max(_options.SessionTimeout, _options.ConnectTimeout).TotalSeconds * _time.TimestampFrequency);
        var problems = new List<string>();
        var attempts = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var host = _hosts.Next();
            attempts++;
            try
            {
                var (connection, response) = await ZooKeeperConnection.OpenAsync(host, this, ConnectRequest(), _security, _options.MaxFrameBytes, _options.EffectiveMaxReplyFrameBytes, _options.ConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
                if (connection is null)
                {
                    throw new KeeperException(KeeperErrorCode.SessionExpired, null, $"session 0x{_sessionId:x} is not known to {host} any more");
                }

                Activate(connection, response);
                _ = SuperviseAsync(connection);
                return;
            }
            catch (Exception e) when (e is ZooKeeperTlsException or ZooKeeperAuthenticationException)
            {
                // A refused certificate or password does not heal by waiting: once every server refused, say why.
                ZooKeeperClientLog.ConnectAttemptFailed(_logger, host.ToString(), e.Message);
                if (e is ZooKeeperAuthenticationException || attempts >= _hosts.Count)
                {
                    throw;
                }
            }
            catch (Exception e) when (e is KeeperException { Code: KeeperErrorCode.ConnectionLoss } or ZooKeeperProtocolException)
            {
                ZooKeeperClientLog.ConnectAttemptFailed(_logger, host.ToString(), e.Message);
                problems.Add(e.Message);
                var allTried = attempts >= _hosts.Count;
                if (allTried && _time.GetTimestamp() >= deadline)
                {
                    var detail = $"no server of the list gave a session ({attempts} attempts): {string.Join("; ", problems.Distinct().TakeLast(5))}";
                    throw new KeeperException(KeeperErrorCode.ConnectionLoss, null, detail, e);
                }

                if (allTried)
                {
                    await Task.Delay(_options.ReconnectDelay, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private ConnectRequestData ConnectRequest()
    {
        lock (_stateLock)
        {
            return new ConnectRequestData(Interlocked.Read(ref _lastZxid), (int)_options.SessionTimeout.TotalMilliseconds, _sessionId, _password, _options.CanBeReadOnly);
        }
    }

    /// <summary>Takes a freshly handshaken connection into use: re-register watches and auth first, then publish it.</summary>
    private void Activate(ZooKeeperConnection connection, ConnectResponse response)
    {
        lock (_stateLock)
        {
            Interlocked.Exchange(ref _sessionId, response.SessionId);
            _password = response.Password;
            Volatile.Write(ref _negotiatedTimeoutMs, response.NegotiatedTimeoutMs);
        }

        QueueSetWatches(connection);
        List<(string Scheme, byte[] Auth)> auths;
        lock (_auths)
        {
            auths = [.. _auths];
        }

        foreach (var auth in auths)
        {
            connection.TrySend<(string Scheme, byte[] Auth)>(null, Xid.Auth, OpCode.Auth, auth, static (w, a) => WriteAuth(w, a.Scheme, a.Auth), null);
        }

        connection.Start();
        ZooKeeperClientLog.Connected(_logger, response.SessionId, connection.Server, response.NegotiatedTimeoutMs, response.ReadOnly);
        lock (_stateLock)
        {
            if (_closeRequested || IsTerminal(_state))
            {
                connection.Fail(new ObjectDisposedException(nameof(ZooKeeperClient), "the client was closed while connecting"));
                return;
            }

            _connection = connection;
            SetStateLocked(response.ReadOnly ? ZooKeeperState.ConnectedReadOnly : ZooKeeperState.Connected, connection.Server);
            _connected.TrySetResult();
        }
    }

    /// <summary>setWatches (xid −8) with every watched path, split so no frame nears the size limit.</summary>
    private void QueueSetWatches(ZooKeeperConnection connection)
    {
        var (data, exist, child) = Watches.Paths();
        if (QueueSetWatches2(connection, data, exist, child) || data.Count + exist.Count + child.Count == 0)
        {
            return;
        }

        var budget = Math.Min(128 * 1024, _options.MaxFrameBytes / 2);
        var batch = (Data: new List<string>(), Exist: new List<string>(), Child: new List<string>());
        var size = 0;
        void Flush()
        {
            if (batch.Data.Count + batch.Exist.Count + batch.Child.Count == 0)
            {
                return;
            }

            var state = (Zxid: Interlocked.Read(ref _lastZxid), batch.Data, batch.Exist, batch.Child);
            connection.TrySend(null, Xid.SetWatches, OpCode.SetWatches, state, static (w, s) =>
            {
                w.WriteLong(s.Zxid);
                w.WriteStrings(s.Data);
                w.WriteStrings(s.Exist);
                w.WriteStrings(s.Child);
            }, null);
            batch = ([], [], []);
            size = 0;
        }

        foreach (var (paths, pick) in new (List<string>, int)[] { (data, 0), (exist, 1), (child, 2) })
        {
            foreach (var path in paths)
            {
                if (size + path.Length * 3 + 4 > budget)
                {
                    Flush();
                }

                (pick == 0 ? batch.Data : pick == 1 ? batch.Exist : batch.Child).Add(path);
                size += path.Length * 3 + 4;
            }
        }

        Flush();
    }

    /// <summary>Watches the current connection; after a loss reconnects (next host, same session) until closed or expired.</summary>
    private async Task SuperviseAsync(ZooKeeperConnection connection)
    {
        while (true)
        {
            var reason = await connection.Closed.ConfigureAwait(false);
            lock (_stateLock)
            {
                if (_connection == connection)
                {
                    _connection = null;
                }

                if (_connected.Task.IsCompleted && !IsTerminal(_state))
                {
                    _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                if (_closeRequested || IsTerminal(_state))
                {
                    return;
                }

                SetStateLocked(ZooKeeperState.Disconnected, null);
            }

            ZooKeeperClientLog.ConnectionLost(_logger, connection.Server, reason.Message);
            var next = await ReconnectAsync(connection.Server).ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            connection = next;
        }
    }

    private async Task<ZooKeeperConnection?> ReconnectAsync(string lostServer)
    {
        // Straight to the next server after a loss (fast failover), but never straight back to the one just lost.
        var first = _hosts.Count > 1;
        while (!_closeRequested)
        {
            if (!first)
            {
                try
                {
                    await Task.Delay(_options.ReconnectDelay, _time, _shutdown.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }

            first = false;
            var host = _hosts.Next();
            if (_hosts.Count > 1 && host.ToString() == lostServer)
            {
                host = _hosts.Next();
            }
            try
            {
                var (connection, response) = await ZooKeeperConnection.OpenAsync(host, this, ConnectRequest(), _security, _options.MaxFrameBytes, _options.EffectiveMaxReplyFrameBytes, _options.ConnectTimeout, _time, _shutdown.Token).ConfigureAwait(false);
                if (connection is null)
                {
                    ZooKeeperClientLog.SessionExpired(_logger, SessionId, host.ToString());
                    await ShutdownAsync(ZooKeeperState.Expired).ConfigureAwait(false);
                    return null;
                }

                Activate(connection, response);
                return connection;
            }
            catch (ZooKeeperAuthenticationException e)
            {
                // The session's credentials no longer pass (a password changed on the server): a final state.
                ZooKeeperClientLog.ConnectAttemptFailed(_logger, host.ToString(), e.Message);
                _authFailure = e;
                await ShutdownAsync(ZooKeeperState.AuthFailed).ConfigureAwait(false);
                return null;
            }
            catch (Exception e) when (e is KeeperException or ZooKeeperProtocolException or ZooKeeperTlsException)
            {
                ZooKeeperClientLog.ConnectAttemptFailed(_logger, host.ToString(), e.Message);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    private async Task CloseCoreAsync()
    {
        _closeRequested = true;
        var connection = _connection;
        if (connection is not null)
        {
            // Closing the session on the server removes its ephemerals now rather than after the timeout. Only on
            // the live connection: a client that is reconnecting does not wait for a server just to say goodbye.
            var deadline = _time.GetTimestamp() + (long)(Min(_options.RequestTimeout, TimeSpan.FromSeconds(5)).TotalSeconds * _time.TimestampFrequency);
            var reply = new PendingReply<bool>(this, null, static (_, _, ref _) => true, deadline);
            if (connection.TrySend<object?>(reply, NextXid(), OpCode.CloseSession, null, null, null))
            {
                try
                {
                    await reply.Task.ConfigureAwait(false);
                }
                catch (KeeperException)
                {
                    // The server is gone or slow: the session will expire there by itself.
                }
            }
        }

        await ShutdownAsync(ZooKeeperState.Closed).ConfigureAwait(false);
        ZooKeeperClientLog.Closed(_logger, SessionId);
        await _dispatcher.CompleteAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Enters a final state: stops reconnecting, closes the connection, ends every watch with a None event.</summary>
    private Task ShutdownAsync(ZooKeeperState final)
    {
        ZooKeeperConnection? connection;
        lock (_stateLock)
        {
            if (IsTerminal(_state))
            {
                return Task.CompletedTask;
            }

            _closeRequested = true;
            connection = _connection;
            _connection = null;
            SetStateLocked(final, null);
            _connected.TrySetResult();
        }

        _shutdown.Cancel();
        connection?.Fail(final switch
        {
            ZooKeeperState.Closed => new ObjectDisposedException(nameof(ZooKeeperClient), "the client was closed"),
            ZooKeeperState.Expired => new KeeperException(KeeperErrorCode.SessionExpired),
            // The server's refusal, so calls in flight fail with its cause rather than a bare AuthFailed.
            _ => (Exception?)_authFailure ?? new KeeperException(KeeperErrorCode.AuthFailed),
        });
        var ended = new WatchedEvent(WatchEventType.None, final, null);
        foreach (var watcher in Watches.TakeAll().Union(PersistentWatches.TakeAll()))
        {
            _dispatcher.Post(() => watcher(ended));
        }

        return Task.CompletedTask;
    }

    private static bool IsTerminal(ZooKeeperState state) => state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed or ZooKeeperState.Closed;

    private void SetStateLocked(ZooKeeperState next, string? server)
    {
        var previous = _state;
        if (previous == next)
        {
            return;
        }

        _state = next;
        var change = new ZooKeeperStateChange(previous, next, server, _time.GetUtcNow());
        _dispatcher.Post(() => StateChanged?.Invoke(change));
    }

    /// <summary>The exception for a call made in a final state.</summary>
    private KeeperException TerminalError(ZooKeeperState state, string? path) => state switch
    {
        ZooKeeperState.AuthFailed when _authFailure is { } refused => new ZooKeeperAuthenticationException(refused.Failure, refused.Server, refused.Detail),
        ZooKeeperState.AuthFailed => new KeeperException(KeeperErrorCode.AuthFailed, path, "authentication failed; the client is unusable"),
        ZooKeeperState.Closed => new KeeperException(KeeperErrorCode.SessionExpired, path, "the client was closed"),
        _ => new KeeperException(KeeperErrorCode.SessionExpired, path, $"session 0x{SessionId:x} expired"),
    };
}
