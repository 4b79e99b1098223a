using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Protocol;
using ZkMitosis.ZooKeeper.Timing;

namespace ZkMitosis.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    /// <summary>
    /// Sends one request and returns the task of its reply. Fast path: the connection is up, the frame is encoded
    /// straight into its outgoing buffer. Otherwise waits (within the request timeout) for a connection.
    /// </summary>
    internal Task<T> Execute<TState, T>(int opCode, string? path, TState state, Action<JuteWriter, TState>? writeBody,
        ReplyParser<T> parser, object? replyState, Action<WatchedEvent>? watcher, CancellationToken cancellationToken, int xid = 0)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var deadline = _time.GetTimestamp() + _requestTimeoutTicks;
        var connection = _connection;
        if (connection is not null)
        {
            var reply = new PendingReply<T>(this, path, parser, deadline, replyState, watcher);
            try
            {
                if (connection.TrySend(reply, xid == 0 ? NextXid() : xid, opCode, state, writeBody, path))
                {
                    reply.RegisterCancellation(cancellationToken);
                    return reply.Task;
                }
            }
            catch (KeeperException e)
            {
                // A frame over the size limit: the caller sees it as a failed task like any other error.
                return Task.FromException<T>(e);
            }
        }

        return ExecuteWhenConnectedAsync(opCode, path, state, writeBody, parser, replyState, watcher, deadline, xid, cancellationToken);
    }

    private async Task<T> ExecuteWhenConnectedAsync<TState, T>(int opCode, string? path, TState state, Action<JuteWriter, TState>? writeBody,
        ReplyParser<T> parser, object? replyState, Action<WatchedEvent>? watcher, long deadline, int xid, CancellationToken cancellationToken)
    {
        while (true)
        {
            var connection = await WaitForConnectionAsync(deadline, path, cancellationToken).ConfigureAwait(false);
            var reply = new PendingReply<T>(this, path, parser, deadline, replyState, watcher);
            if (connection.TrySend(reply, xid == 0 ? NextXid() : xid, opCode, state, writeBody, path))
            {
                reply.RegisterCancellation(cancellationToken);
                return await reply.Task.ConfigureAwait(false);
            }

            // The connection closed between the wait and the send; its replacement is on the way.
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ZooKeeperConnection> WaitForConnectionAsync(long deadline, string? path, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_stateLock)
            {
                if (IsTerminal(_state))
                {
                    throw TerminalError(_state, path);
                }

                if (_connection is { } connection && !connection.IsClosed)
                {
                    return connection;
                }

                signal = _connected.Task;
            }

            var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                throw new KeeperException(KeeperErrorCode.OperationTimeout, path, $"not connected to any server within the request timeout ({_options.RequestTimeout.TotalMilliseconds:0} ms)");
            }

            try
            {
                await signal.WaitAsync(WaitTime.Remaining(remaining), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new KeeperException(KeeperErrorCode.OperationTimeout, path, $"not connected to any server within the request timeout ({_options.RequestTimeout.TotalMilliseconds:0} ms)");
            }

            if (signal.IsCompleted && _connection is null && !IsTerminal(State))
            {
                // Signalled and already lost again: yield so the supervisor can publish the next one.
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static void WriteAuth(JuteWriter writer, string scheme, byte[] auth)
    {
        writer.WriteInt(0);
        writer.WriteString(scheme);
        writer.WriteBuffer(auth);
    }
}
