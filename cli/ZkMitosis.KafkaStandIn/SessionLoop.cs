using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// Keeps one ZooKeeper session at a time and runs the caller's work in it. A lost connection is the
/// client's business (it reconnects to another server with the same session); an expired session ends the
/// work, is counted, and a new session starts the work again, which is what a Kafka broker does.
/// On shutdown the session is closed, so the server deletes its ephemerals at once. Refused credentials or
/// certificates, or unusable TLS files, do not heal by retrying: they end the loop with <see cref="StandInFatalException"/>,
/// as a Kafka broker whose ZooKeeper client cannot authenticate stops.
/// </summary>
internal sealed class SessionLoop
{
    private readonly string _connectString;
    private readonly ZooKeeperClientOptions _options;
    private readonly StateStore _state;
    private readonly ILogger _logger;

    public SessionLoop(string connectString, TimeSpan sessionTimeout, ZooKeeperSecurity security, StateStore state, ILogger logger)
    {
        _connectString = connectString;
        _options = new ZooKeeperClientOptions { SessionTimeout = sessionTimeout, ConnectTimeout = TimeSpan.FromSeconds(3), Tls = security.Tls, Sasl = security.Sasl };
        _state = state;
        _logger = logger;
    }

    public async Task RunAsync(Func<ZooKeeperClient, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ZooKeeperClient client;
            try
            {
                client = await ZooKeeperClient.ConnectAsync(_connectString, _options, cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.IsTransient)
            {
                StandInLog.ConnectFailed(_logger, _connectString, e.Message);
                _state.Update(s => s with { State = "Connecting", LastError = e.Message });
                await DelayAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is ZooKeeperAuthenticationException or ZooKeeperTlsException or FileNotFoundException or InvalidDataException)
            {
                // The message is one line naming the server, user or file (never a password): no stack trace for these.
                StandInLog.ConnectRefused(_logger, _connectString, e.Message);
                _state.Update(s => s with { State = "failed", LastError = e.Message });
                _state.Flush();
                throw new StandInFatalException(e.Message);
            }

            var ended = await RunSessionAsync(client, work, cancellationToken).ConfigureAwait(false);
            if (ended == SessionEnd.Shutdown)
            {
                return;
            }
        }
    }

    private async Task<SessionEnd> RunSessionAsync(ZooKeeperClient client, Func<ZooKeeperClient, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        using var sessionEnd = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sessionId = client.SessionId;
        var expired = 0;
        void OnStateChanged(ZooKeeperStateChange change)
        {
            StandInLog.StateChanged(_logger, change.Previous.ToString(), change.Current.ToString(), change.Server);
            _state.Update(s => s with
            {
                State = change.Current.ToString(),
                ConnectedServer = change.Current is ZooKeeperState.Connected or ZooKeeperState.ConnectedReadOnly ? change.Server : null,
                Disconnects = s.Disconnects + (change.Previous == ZooKeeperState.Connected && change.Current == ZooKeeperState.Disconnected ? 1 : 0),
            });
            if (change.Current == ZooKeeperState.Expired)
            {
                Interlocked.Exchange(ref expired, 1);
                sessionEnd.Cancel();
            }
        }

        client.StateChanged += OnStateChanged;
        _state.Update(s => s with
        {
            Sessions = s.Sessions + 1,
            SessionId = $"0x{sessionId:x}",
            State = client.State.ToString(),
            ConnectedServer = client.ConnectedServer,
            NegotiatedSessionTimeoutMs = (int)client.NegotiatedSessionTimeout.TotalMilliseconds,
        });
        StandInLog.SessionEstablished(_logger, sessionId, client.ConnectedServer, (int)client.NegotiatedSessionTimeout.TotalMilliseconds);
        try
        {
            await work(client, sessionEnd.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (sessionEnd.IsCancellationRequested)
        {
            // The session expired or we are shutting down.
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.SessionExpired)
        {
            Interlocked.Exchange(ref expired, 1);
        }
        catch (Exception e) when (e is KeeperException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            StandInLog.SessionFailed(_logger, e);
            _state.Update(s => s with { LastError = e.Message });
        }
        finally
        {
            client.StateChanged -= OnStateChanged;
        }

        _state.Update(s => s with { Registered = false, IsController = false });
        if (Volatile.Read(ref expired) == 1 || client.State == ZooKeeperState.Expired)
        {
            var count = _state.Current.SessionExpiries + 1;
            _state.Update(s => s with { SessionExpiries = count, SessionId = null, ConnectedServer = null, State = "Expired" });
            _state.Flush();
            StandInLog.SessionExpired(_logger, sessionId, count);
            await client.DisposeAsync().ConfigureAwait(false);
            return cancellationToken.IsCancellationRequested ? SessionEnd.Shutdown : SessionEnd.Expired;
        }

        // Shutdown, or an unexpected failure: close the session so its ephemerals go at once.
        using (var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await client.CloseAsync(closeTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KeeperException or OperationCanceledException)
            {
                // The server will expire the session instead.
            }
        }

        await client.DisposeAsync().ConfigureAwait(false);
        _state.Update(s => s with { SessionId = null, ConnectedServer = null, State = cancellationToken.IsCancellationRequested ? "stopped" : "Closed" });
        if (!cancellationToken.IsCancellationRequested)
        {
            await DelayAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }

        return cancellationToken.IsCancellationRequested ? SessionEnd.Shutdown : SessionEnd.Failed;
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private enum SessionEnd
    {
        Shutdown,
        Expired,
        Failed,
    }
}
