using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Protocol;

namespace ZkMitosis.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    /// <summary>ZooKeeper's <c>WatcherType</c> numbers of removeWatches for the two persistent modes.</summary>
    private const int RemovePersistentType = 4;
    private const int RemovePersistentRecursiveType = 5;
    private const int RemoveAnyType = 3;

    private static readonly ReplyParser<bool> AddWatchParser = static (PendingReply<bool> r, int error, ref JuteReader body) =>
    {
        if (error != 0)
        {
            throw r.Error(error);
        }

        // Registered on the read loop, before any later frame: the first event after the reply reaches the watcher.
        var (mode, serverPath) = ((AddWatchMode, string))r.State!;
        r.Client.PersistentWatches.Add(mode, serverPath, r.Watcher!);
        return true;
    };

    private static readonly ReplyParser<long> BarrierParser = static (PendingReply<long> r, int error, ref JuteReader body) =>
    {
        if (error is not 0 and not (int)KeeperErrorCode.NoNode)
        {
            throw r.Error(error);
        }

        // Parsed on the read loop right after this frame's header zxid was taken in: every notification the server
        // sent before this reply (all of txns up to that zxid) has been handed to the dispatcher already.
        return r.Client.LastZxidSeen;
    };

    internal PersistentWatchRegistry PersistentWatches { get; } = new();

    /// <summary>
    /// Adds a persistent (or persistent recursive) watch on <paramref name="path"/> (<c>addWatch</c>, opcode 106,
    /// ZooKeeper 3.6+; the path need not exist). <paramref name="watcher"/> is called for every matching event, in
    /// the order the server applied the changes, on the event dispatcher; it stays registered until
    /// <see cref="RemoveWatchAsync"/> or the session ends, when it is called once more with a
    /// <see cref="WatchEventType.None"/> event. Reconnections re-register it (setWatches2); events of changes made
    /// while disconnected are not replayed by the server for persistent watches (ZooKeeper's <c>DataTree.setWatches</c>
    /// only re-adds them), so a caller that must see every change re-reads after <see cref="ZooKeeperState.Connected"/>
    /// follows a <see cref="ZooKeeperState.Disconnected"/>.
    /// </summary>
    /// <exception cref="KeeperException">Unimplemented from a server older than 3.6, or any other error of the call.</exception>
    public Task AddWatchAsync(string path, AddWatchMode mode, Action<WatchedEvent> watcher, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        ArgumentNullException.ThrowIfNull(watcher);
        var serverPath = ToServerPath(path);
        var wireMode = mode switch
        {
            AddWatchMode.Persistent or AddWatchMode.PersistentRecursive => (int)mode,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown AddWatchMode"),
        };
        return Execute(OpCode.AddWatch, path, (serverPath, wireMode), static (w, s) =>
        {
            w.WriteString(s.serverPath);
            w.WriteInt(s.wireMode);
        }, AddWatchParser, (mode, serverPath), watcher, cancellationToken);
    }

    /// <summary>
    /// Removes <paramref name="watcher"/> (null: every watcher) of <paramref name="mode"/> on <paramref name="path"/>;
    /// once none of that mode is left there the server's watch is removed too (<c>removeWatches</c>, opcode 18), as
    /// ZooKeeper's <c>ZooKeeper.removeWatches</c> does. A removed watcher gets no further call.
    /// </summary>
    /// <exception cref="KeeperException">NoWatcher when no such watch was registered; errors of the server call.</exception>
    public async Task RemoveWatchAsync(string path, AddWatchMode mode, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        var (removed, noneLeft) = PersistentWatches.Remove(mode, serverPath, watcher);
        if (!removed)
        {
            throw new KeeperException(KeeperErrorCode.NoWatcher, path, $"no {mode} watch registered by this client");
        }

        if (!noneLeft)
        {
            return;
        }

        var type = mode == AddWatchMode.Persistent ? RemovePersistentType : RemovePersistentRecursiveType;
        try
        {
            await SendRemoveWatchesAsync(path, serverPath, type, cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.MarshallingError && !HasOtherWatches(serverPath))
        {
            // Servers before 3.9 know no persistent WatcherType (ZOOKEEPER-4472) and answer MarshallingError; "any"
            // removes every watch of this connection on the path, which is right only when it holds no other.
            await SendRemoveWatchesAsync(path, serverPath, RemoveAnyType, cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.MarshallingError)
        {
            // Other watches share the path: the server's persistent watch stays, and its events find no watcher here.
        }
    }

    private async Task SendRemoveWatchesAsync(string path, string serverPath, int type, CancellationToken cancellationToken)
    {
        try
        {
            await Execute(OpCode.RemoveWatches, path, (serverPath, type), static (w, s) =>
            {
                w.WriteString(s.serverPath);
                w.WriteInt(s.type);
            }, EmptyParser, null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoWatcher)
        {
            // The connection that carried it was lost and the re-registration had not happened yet: gone either way.
        }
    }

    private bool HasOtherWatches(string serverPath)
    {
        var (data, exist, child) = Watches.Paths();
        var (persistent, recursive) = PersistentWatches.Paths();
        return data.Contains(serverPath) || exist.Contains(serverPath) || child.Contains(serverPath)
            || persistent.Contains(serverPath) || recursive.Contains(serverPath);
    }

    /// <summary>
    /// A barrier for watch events: asks the server for <paramref name="path"/>'s Stat and, once it answers, waits
    /// until every watch event queued before that answer has been delivered. Returns the zxid the session had seen
    /// by then (at least the zxid the server had applied when it answered): every change with a zxid up to it that
    /// a watch of this client covers has reached its watcher when the task completes. The path need not exist.
    /// </summary>
    /// <exception cref="KeeperException">any error of the exists call but NoNode.</exception>
    public async Task<long> FlushWatchEventsAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        var zxid = await Execute(OpCode.Exists, path, (serverPath, false), WritePathAndWatch, BarrierParser, null, null, cancellationToken).ConfigureAwait(false);
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _dispatcher.Post(delivered.SetResult);
        await delivered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return zxid;
    }

    /// <summary>The persistent watchers an event fires, after the one-shot ones in <paramref name="fired"/> (each watcher once).</summary>
    private void CollectPersistentWatchers(WatchEventType type, string serverPath, List<Action<WatchedEvent>> fired)
    {
        if (!PersistentWatches.IsEmpty)
        {
            PersistentWatches.Collect(type, serverPath, fired);
        }
    }

    /// <summary>
    /// setWatches2 (opcode 105, xid −8) re-registers the one-shot and the persistent watches after a reconnect, as
    /// ZooKeeper's <c>ClientCnxn.primeConnection</c> does when persistent watches exist. Returns false (nothing sent)
    /// when there are none, so the caller sends the older setWatches.
    /// </summary>
    private bool QueueSetWatches2(ZooKeeperConnection connection, List<string> data, List<string> exist, List<string> child)
    {
        var (persistent, recursive) = PersistentWatches.Paths();
        if (persistent.Count + recursive.Count == 0)
        {
            return false;
        }

        var budget = Math.Min(128 * 1024, _options.MaxFrameBytes / 2);
        var lists = new[] { data, exist, child, persistent, recursive };
        var batch = new[] { new List<string>(), new List<string>(), new List<string>(), new List<string>(), new List<string>() };
        var size = 0;
        void Flush()
        {
            if (batch.All(b => b.Count == 0))
            {
                return;
            }

            var state = (Zxid: Interlocked.Read(ref _lastZxid), Lists: batch);
            connection.TrySend(null, Xid.SetWatches, OpCode.SetWatches2, state, static (w, s) =>
            {
                w.WriteLong(s.Zxid);
                foreach (var list in s.Lists)
                {
                    w.WriteStrings(list);
                }
            }, null);
            batch = [[], [], [], [], []];
            size = 0;
        }

        for (var i = 0; i < lists.Length; i++)
        {
            foreach (var path in lists[i])
            {
                if (size + (path.Length * 3) + 4 > budget)
                {
                    Flush();
                }

                batch[i].Add(path);
                size += (path.Length * 3) + 4;
            }
        }

        Flush();
        return true;
    }
}
