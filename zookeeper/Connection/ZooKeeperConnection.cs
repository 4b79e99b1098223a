using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using ZkMitosis.ZooKeeper.Protocol;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>
/// One TCP connection carrying a session: a single read loop that parses length-prefixed frames and matches
/// replies to the requests in flight (a FIFO queue, in xid order); a write loop that sends everything queued
/// since its last send in one socket call; a ticker for pings, the read timeout and per-call timeouts.
/// When anything goes wrong the connection fails as a whole: every waiter fails (outside the lock) and
/// <see cref="Closed"/> completes with the reason.
/// </summary>
internal sealed class ZooKeeperConnection
{
    private readonly Socket _socket;
    // The socket's NetworkStream, or the SslStream over it: full duplex, one reader (read loop) and one writer (write loop).
    private readonly Stream _stream;
    private readonly IConnectionOwner _owner;
    private readonly int _maxFrameBytes;
    private readonly int _maxReplyFrameBytes;
    private readonly TimeProvider _time;
    private readonly Lock _sendLock = new();
    // Enqueued under _sendLock (so queue order is wire order), dequeued by the read loop without taking it.
    private readonly ConcurrentQueue<IPendingReply> _inFlight = new();
    private readonly Queue<IPendingReply?> _authInFlight = new();
    private readonly SemaphoreSlim _writeSignal = new(0);
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _readTimeout;
    private readonly TimeSpan _pingInterval;
    private JuteWriter _outgoing = new();
    private JuteWriter _sending = new();
    private bool _writeScheduled;
    private bool _isClosed;
    private volatile bool _draining;
    private long _drainDeadline;
    private long _lastSend;
    private long _lastReceive;
    private byte[] _readBuffer;
    private int _readStart;
    private int _readEnd;

    private ZooKeeperConnection(Socket socket, Stream stream, string server, IConnectionOwner owner, int maxFrameBytes, int maxReplyFrameBytes, TimeProvider time, ConnectResponse session, byte[] readBuffer, int readStart, int readEnd)
    {
        _socket = socket;
        _stream = stream;
        Server = server;
        _owner = owner;
        _maxFrameBytes = maxFrameBytes;
        _maxReplyFrameBytes = maxReplyFrameBytes;
        _time = time;
        Session = session;
        _readBuffer = readBuffer;
        _readStart = readStart;
        _readEnd = readEnd;
        var timeout = TimeSpan.FromMilliseconds(session.NegotiatedTimeoutMs);
        _readTimeout = timeout * 2 / 3;
        _pingInterval = timeout / 3;
        _lastSend = _lastReceive = time.GetTimestamp();
    }

    /// <summary>"host:port" of the server.</summary>
    public string Server { get; }

    public ConnectResponse Session { get; }

    /// <summary>Completes (with the reason) once the connection is closed and every waiter has failed.</summary>
    public Task<Exception> Closed => _closed.Task;

    public bool IsClosed
    {
        get
        {
            lock (_sendLock)
            {
                return _isClosed;
            }
        }
    }

    /// <summary>Requests sent and not yet answered.</summary>
    public int InFlightCount
    {
        get => _inFlight.Count;
    }

    /// <summary>
    /// Connects to <paramref name="host"/>, makes the TLS handshake when <paramref name="security"/> has TLS, sends
    /// the connect request and reads the server's answer, then authenticates by SASL when it has credentials, all
    /// within <paramref name="timeout"/>. An expired session is returned (check <see cref="ConnectResponse.IsExpired"/>)
    /// with a null connection; a refused or silent server throws <see cref="KeeperException"/> ConnectionLoss,
    /// garbage throws <see cref="ZooKeeperProtocolException"/>, a refused certificate
    /// <see cref="ZooKeeperTlsException"/>, refused credentials <see cref="ZooKeeperAuthenticationException"/>.
    /// </summary>
    public static async Task<(ZooKeeperConnection? Connection, ConnectResponse Response)> OpenAsync(
        HostEndpoint host, IConnectionOwner owner, ConnectRequestData request, ConnectionSecurity security, int maxFrameBytes, int maxReplyFrameBytes, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var server = host.ToString();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var handedOver = false;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(host.Host, host.Port, timeoutSource.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (security.Tls is not null)
            {
                stream = await security.Tls.AuthenticateAsync(stream, host, timeoutSource.Token).ConfigureAwait(false);
            }

            var channel = new HandshakeChannel(stream, buffer, server);
            using (var writer = new JuteWriter(256))
            {
                ConnectResponse.WriteRequest(writer, request.LastZxidSeen, request.TimeoutMs, request.SessionId, request.Password.Span, request.CanBeReadOnly);
                await channel.SendAsync(writer.WrittenMemory, timeoutSource.Token).ConfigureAwait(false);
            }

            // The connect response is tiny; anything large is not ZooKeeper talking.
            var frame = await channel.ReceiveAsync(4096, "connect response", timeoutSource.Token).ConfigureAwait(false);
            var response = ConnectResponse.Read(frame.Span, server);
            if (response.IsExpired)
            {
                return (null, response);
            }

            if (security.Sasl is not null)
            {
                await SaslHandshake.AuthenticateAsync(channel, host.Host, security.Sasl, security.NextXid, timeoutSource.Token).ConfigureAwait(false);
            }

            var connection = new ZooKeeperConnection(socket, stream, server, owner, maxFrameBytes, maxReplyFrameBytes, time, response, buffer, channel.Start, channel.End);
            handedOver = true;
            return (connection, response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KeeperException(KeeperErrorCode.ConnectionLoss, null, $"no session established with {server} within {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            throw new KeeperException(KeeperErrorCode.ConnectionLoss, null, $"{server}: {e.SocketErrorCode} ({e.Message})", e);
        }
        catch (IOException e) when (TlsClientContext.RefusalAfterHandshake(stream, e, server) is { } refusal)
        {
            throw refusal;
        }
        catch (IOException e)
        {
            // A reset during the handshake arrives as an IOException around the SocketException.
            throw new KeeperException(KeeperErrorCode.ConnectionLoss, null, $"{server}: {e.Message}", e);
        }
        finally
        {
            if (!handedOver)
            {
                if (stream is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }

                socket.Dispose();
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Starts the read, write and tick loops. Frames queued before this go out first.</summary>
    public void Start()
    {
        _ = Task.Run(ReadLoopAsync);
        _ = Task.Run(WriteLoopAsync);
        _ = Task.Run(TickLoopAsync);
    }

    /// <summary>
    /// Encodes one request frame (header <paramref name="xid"/>/<paramref name="opCode"/>, then the body) into the
    /// outgoing buffer and queues <paramref name="reply"/> for its answer. False when the connection is closed or
    /// draining (the caller waits for the next one). Throws <see cref="KeeperException"/> MarshallingError for a
    /// frame over the size limit, leaving nothing queued.
    /// </summary>
    public bool TrySend<TState>(IPendingReply? reply, int xid, int opCode, TState state, Action<JuteWriter, TState>? writeBody, string? path)
    {
        lock (_sendLock)
        {
            if (_isClosed || (_draining && xid >= 0))
            {
                return false;
            }

            var start = _outgoing.Length;
            try
            {
                _outgoing.BeginFrame();
                _outgoing.WriteInt(xid);
                _outgoing.WriteInt(opCode);
                writeBody?.Invoke(_outgoing, state);
            }
            catch
            {
                _outgoing.Truncate(start);
                throw;
            }

            var length = _outgoing.EndFrame(start);
            if (length > _maxFrameBytes)
            {
                _outgoing.Truncate(start);
                throw new KeeperException(KeeperErrorCode.MarshallingError, path, $"request of {length} bytes exceeds the frame limit of {_maxFrameBytes} bytes (MaxFrameBytes, jute.maxbuffer)");
            }

            if (xid == Xid.Auth)
            {
                _authInFlight.Enqueue(reply);
            }
            else if (reply is not null)
            {
                reply.Xid = xid;
                _inFlight.Enqueue(reply);
                ConnectionCounters.Requests++;
            }

            if (!_writeScheduled)
            {
                _writeScheduled = true;
                _writeSignal.Release();
            }

            return true;
        }
    }

    /// <summary>
    /// Stops taking requests; once every request in flight is answered (or <paramref name="grace"/> passed) the
    /// connection closes with <paramref name="reason"/>. Used to move to another server without failing calls.
    /// </summary>
    public void Drain(TimeSpan grace, Exception reason)
    {
        bool closeNow;
        lock (_sendLock)
        {
            _draining = true;
            _drainDeadline = _time.GetTimestamp() + (long)(grace.TotalSeconds * _time.TimestampFrequency);
            closeNow = _inFlight.IsEmpty && _authInFlight.Count == 0;
            DrainReason = reason;
        }

        if (closeNow)
        {
            Fail(reason);
        }
    }

    private Exception? DrainReason { get; set; }

    /// <summary>Closes the socket and fails every request in flight with ConnectionLoss (inner: <paramref name="reason"/>). Idempotent.</summary>
    public void Fail(Exception reason)
    {
        List<IPendingReply> waiters;
        lock (_sendLock)
        {
            if (_isClosed)
            {
                return;
            }

            _isClosed = true;
            waiters = new List<IPendingReply>(_inFlight.Count + _authInFlight.Count);
            while (_inFlight.TryDequeue(out var waiter))
            {
                waiters.Add(waiter);
            }

            foreach (var auth in _authInFlight)
            {
                if (auth is not null)
                {
                    waiters.Add(auth);
                }
            }

            _authInFlight.Clear();
            _writeSignal.Release();
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        _stream.Dispose();
        _socket.Dispose();
        var detail = $"connection to {Server} lost: {reason.Message}";
        foreach (var waiter in waiters)
        {
            // A refusal by the server's authentication is the caller's answer, not a loss to retry.
            waiter.Fail(reason is ZooKeeperAuthenticationException ? reason : new KeeperException(KeeperErrorCode.ConnectionLoss, (waiter as IHasPath)?.Path, detail, reason));
        }

        _closed.TrySetResult(reason);
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                await _writeSignal.WaitAsync().ConfigureAwait(false);
                // Replies arrive in bursts and each completion queues its caller's continuation, which often sends
                // the next request. Going to the back of the thread-pool queue once lets those requests join this
                // send instead of costing a syscall and a thread wake-up each.
                await Task.Yield();
                JuteWriter batch;
                lock (_sendLock)
                {
                    if (_isClosed)
                    {
                        return;
                    }

                    _writeScheduled = false;
                    if (_outgoing.Length == 0)
                    {
                        continue;
                    }

                    batch = _outgoing;
                    _outgoing = _sending;
                    _sending = batch;
                }

                await _stream.WriteAsync(batch.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref ConnectionCounters.Sends);
                Volatile.Write(ref _lastSend, _time.GetTimestamp());
                batch.Reset();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            Fail(e);
        }
        finally
        {
            lock (_sendLock)
            {
                if (_isClosed)
                {
                    _outgoing.Dispose();
                    _sending.Dispose();
                }
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                // Parse every complete frame in the buffer.
                while (_readEnd - _readStart >= 4)
                {
                    var length = BinaryPrimitives.ReadInt32BigEndian(_readBuffer.AsSpan(_readStart));
                    if (length < 16 || length > _maxReplyFrameBytes)
                    {
                        throw new ZooKeeperProtocolException(
                            length > _maxReplyFrameBytes
                                ? $"frame of {length} bytes exceeds the frame limit of {_maxReplyFrameBytes} bytes for replies (MaxFrameBytes or MaxReplyFrameBytes, jute.maxbuffer)"
                                : $"frame length {length} is smaller than a reply header (16 bytes)",
                            Server);
                    }

                    if (_readEnd - _readStart - 4 < length)
                    {
                        MakeRoom(4 + length);
                        break;
                    }

                    HandleFrame(_readBuffer.AsSpan(_readStart + 4, length));
                    _readStart += 4 + length;
                }

                if (_readStart == _readEnd)
                {
                    _readStart = _readEnd = 0;
                }
                else if (_readEnd == _readBuffer.Length)
                {
                    MakeRoom(_readBuffer.Length - _readStart + 1);
                }

                var read = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd)).ConfigureAwait(false);
                if (read == 0)
                {
                    throw _readEnd > _readStart
                        ? new ZooKeeperProtocolException($"connection closed in the middle of a frame ({_readEnd - _readStart} bytes of it received)", Server)
                        : new IOException($"{Server} closed the connection");
                }

                _readEnd += read;
                Interlocked.Increment(ref ConnectionCounters.Receives);
                Volatile.Write(ref _lastReceive, _time.GetTimestamp());
            }
        }
        catch (Exception e)
        {
            Fail(e is ZooKeeperProtocolException or SocketException or IOException or ObjectDisposedException or ZooKeeperAuthenticationException
                ? e
                : new ZooKeeperProtocolException($"failed to process a reply: {e.Message}", Server));
        }
        finally
        {
            var buffer = Interlocked.Exchange(ref _readBuffer, []);
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Ensures <paramref name="needed"/> bytes fit from the start of the buffer, moving or growing it.</summary>
    private void MakeRoom(int needed)
    {
        if (_readBuffer.Length - _readStart >= needed)
        {
            return;
        }

        var pending = _readEnd - _readStart;
        var target = _readBuffer.Length >= needed ? _readBuffer : ArrayPool<byte>.Shared.Rent(needed);
        Buffer.BlockCopy(_readBuffer, _readStart, target, 0, pending);
        if (!ReferenceEquals(target, _readBuffer))
        {
            ArrayPool<byte>.Shared.Return(_readBuffer);
            _readBuffer = target;
        }

        _readStart = 0;
        _readEnd = pending;
    }

    private void HandleFrame(ReadOnlySpan<byte> frame)
    {
        var reader = new JuteReader(frame);
        var xid = reader.ReadInt();
        var zxid = reader.ReadLong();
        var error = reader.ReadInt();
        if (zxid > 0)
        {
            _owner.OnZxidSeen(zxid);
        }

        if (error == (int)KeeperErrorCode.SessionClosedRequireSaslAuth)
        {
            // The server closes the session now (AuthenticationHelper.enforceAuthentication): every call in
            // flight fails with the reason, and the client stops rather than reconnect into the same refusal.
            var refused = _owner.OnSaslRequired(this);
            throw refused;
        }

        switch (xid)
        {
            case Xid.Ping:
            case Xid.SetWatches:
                return;
            case Xid.Notification:
                var type = reader.ReadInt();
                var state = reader.ReadInt();
                var path = reader.ReadString();
                _owner.OnNotification(type, state, path);
                return;
            case Xid.Auth:
                IPendingReply? auth;
                lock (_sendLock)
                {
                    if (!_authInFlight.TryDequeue(out auth))
                    {
                        throw new ZooKeeperProtocolException("auth reply (xid -4) while no auth request is in flight", Server);
                    }
                }

                if (auth is not null)
                {
                    auth.Complete(error, ref reader);
                }

                if (error == (int)KeeperErrorCode.AuthFailed)
                {
                    _owner.OnAuthFailed(this);
                }

                return;
        }

        if (!_inFlight.TryDequeue(out var reply))
        {
            throw new ZooKeeperProtocolException($"reply with xid {xid} while no request is in flight", Server);
        }

        var drained = false;
        if (_draining)
        {
            lock (_sendLock)
            {
                drained = _inFlight.IsEmpty && _authInFlight.Count == 0;
            }
        }

        if (reply.Xid != xid)
        {
            var problem = new ZooKeeperProtocolException($"reply with xid {xid} but the oldest request in flight has xid {reply.Xid}", Server);
            reply.Fail(new KeeperException(KeeperErrorCode.ConnectionLoss, (reply as IHasPath)?.Path, problem.Message, problem));
            throw problem;
        }

        try
        {
            reply.Complete(error, ref reader);
        }
        catch (ZooKeeperProtocolException e)
        {
            reply.Fail(new KeeperException(KeeperErrorCode.ConnectionLoss, (reply as IHasPath)?.Path, e.Message, new ZooKeeperProtocolException(e.Message, Server)));
            throw new ZooKeeperProtocolException(e.Message, Server);
        }

        if (drained)
        {
            Fail(DrainReason ?? new IOException("drained"));
        }
    }

    private async Task TickLoopAsync()
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(Session.NegotiatedTimeoutMs / 20, 10, 100));
        using var timer = new PeriodicTimer(tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
            {
                if (Closed.IsCompleted)
                {
                    return;
                }

                var now = _time.GetTimestamp();
                var sinceReceive = _time.GetElapsedTime(Volatile.Read(ref _lastReceive), now);
                if (sinceReceive > _readTimeout)
                {
                    Fail(new TimeoutException($"nothing received from {Server} for {sinceReceive.TotalMilliseconds:0} ms (read timeout {_readTimeout.TotalMilliseconds:0} ms, 2/3 of the session timeout)"));
                    return;
                }

                if (_time.GetElapsedTime(Volatile.Read(ref _lastSend), now) >= _pingInterval)
                {
                    Volatile.Write(ref _lastSend, now);
                    TrySend<object?>(null, Xid.Ping, OpCode.Ping, null, null, null);
                }

                ExpireCalls(now);
            }
        }
        catch (ObjectDisposedException)
        {
            // Timer disposed at shutdown.
        }
    }

    /// <summary>Fails calls whose deadline passed; they stay queued so their late replies still match.</summary>
    private void ExpireCalls(long now)
    {
        List<IPendingReply>? expired = null;
        bool drainOver;
        lock (_sendLock)
        {
            // Enumerating a ConcurrentQueue pins its segments: only when the oldest call is overdue.
            var overdue = _inFlight.TryPeek(out var oldest) && oldest.Deadline <= now;
            foreach (var reply in overdue ? _inFlight : Enumerable.Empty<IPendingReply>())
            {
                if (reply.Deadline > now)
                {
                    break;
                }

                if (!reply.IsCompleted)
                {
                    (expired ??= []).Add(reply);
                }
            }

            drainOver = _draining && now >= _drainDeadline;
        }

        if (expired is not null)
        {
            foreach (var reply in expired)
            {
                reply.Fail(new KeeperException(KeeperErrorCode.OperationTimeout, (reply as IHasPath)?.Path, $"no reply from {Server} within the request timeout"));
            }
        }

        if (drainOver)
        {
            Fail(DrainReason ?? new IOException("drained"));
        }
    }
}

/// <summary>What the connection reports to the client that owns the session.</summary>
internal interface IConnectionOwner
{
    void OnZxidSeen(long zxid);

    void OnNotification(int type, int state, string? serverPath);

    void OnAuthFailed(ZooKeeperConnection connection);

    /// <summary>The server answered SessionClosedRequireSaslAuth; returns the exception the calls in flight fail with.</summary>
    ZooKeeperAuthenticationException OnSaslRequired(ZooKeeperConnection connection);
}

/// <summary>What secures each new connection of a client: TLS material, SASL credentials, the client's xid source.</summary>
internal sealed record ConnectionSecurity(TlsClientContext? Tls, ZooKeeperSaslCredentials? Sasl, Func<int> NextXid);

/// <summary>A pending call that knows the caller's path, for error messages.</summary>
internal interface IHasPath
{
    string? Path { get; }
}

/// <summary>What the connect request carries.</summary>
internal readonly record struct ConnectRequestData(long LastZxidSeen, int TimeoutMs, long SessionId, ReadOnlyMemory<byte> Password, bool CanBeReadOnly);

/// <summary>Process-wide socket call counts, for the benchmark's batching report.</summary>
internal static class ConnectionCounters
{
    public static long Sends;
    public static long Receives;
    public static long Requests;
}
