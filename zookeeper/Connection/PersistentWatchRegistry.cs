namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>
/// The client's persistent and persistent recursive watches (<c>addWatch</c>), by server path (with the chroot).
/// Unlike <see cref="WatchRegistry"/>, an event leaves them in place; they end only when removed or when the
/// session ends. After a reconnect they are re-registered with setWatches2, as ZooKeeper's
/// <c>ClientCnxn.primeConnection</c> does (the server keeps no watches of a dropped connection).
/// </summary>
internal sealed class PersistentWatchRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Action<WatchedEvent>>> _persistent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Action<WatchedEvent>>> _recursive = new(StringComparer.Ordinal);

    /// <summary>True while any persistent watch exists: the cheap check on the notification path.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _persistent.Count == 0 && _recursive.Count == 0;
            }
        }
    }

    public void Add(AddWatchMode mode, string serverPath, Action<WatchedEvent> watcher)
    {
        lock (_gate)
        {
            var map = Map(mode);
            if (!map.TryGetValue(serverPath, out var list))
            {
                map[serverPath] = list = new List<Action<WatchedEvent>>(1);
            }

            if (!list.Contains(watcher))
            {
                list.Add(watcher);
            }
        }
    }

    /// <summary>
    /// Removes <paramref name="watcher"/> (or, when null, every watcher) of <paramref name="mode"/> at the path.
    /// Returns whether any was removed and whether none of that mode is left there (then the server's is removed too).
    /// </summary>
    public (bool Removed, bool NoneLeft) Remove(AddWatchMode mode, string serverPath, Action<WatchedEvent>? watcher)
    {
        lock (_gate)
        {
            var map = Map(mode);
            if (!map.TryGetValue(serverPath, out var list))
            {
                return (false, true);
            }

            var removed = watcher is null ? list.Count > 0 : list.Remove(watcher);
            if (watcher is null)
            {
                list.Clear();
            }

            if (list.Count == 0)
            {
                map.Remove(serverPath);
            }

            return (removed, list.Count == 0);
        }
    }

    /// <summary>
    /// Adds to <paramref name="into"/> (each once) the watchers an event fires: persistent ones on the path itself
    /// (any type), recursive ones on the path or an ancestor (any type but NodeChildrenChanged), as the server's
    /// <c>WatchManager.triggerWatch</c> decides. Nothing is removed.
    /// </summary>
    public void Collect(WatchEventType type, string serverPath, List<Action<WatchedEvent>> into)
    {
        lock (_gate)
        {
            if (_persistent.TryGetValue(serverPath, out var exact))
            {
                AddDistinct(exact, into);
            }

            if (type == WatchEventType.NodeChildrenChanged || _recursive.Count == 0)
            {
                return;
            }

            for (var path = serverPath; ; path = ParentOf(path))
            {
                if (_recursive.TryGetValue(path, out var list))
                {
                    AddDistinct(list, into);
                }

                if (path == "/")
                {
                    return;
                }
            }
        }
    }

    /// <summary>Removes and returns every watcher (each once): the session ended.</summary>
    public List<Action<WatchedEvent>> TakeAll()
    {
        var all = new List<Action<WatchedEvent>>();
        lock (_gate)
        {
            foreach (var list in _persistent.Values.Concat(_recursive.Values))
            {
                AddDistinct(list, all);
            }

            _persistent.Clear();
            _recursive.Clear();
        }

        return all;
    }

    /// <summary>The watched server paths of each mode, for setWatches2 after a reconnect.</summary>
    public (List<string> Persistent, List<string> Recursive) Paths()
    {
        lock (_gate)
        {
            return ([.. _persistent.Keys], [.. _recursive.Keys]);
        }
    }

    private Dictionary<string, List<Action<WatchedEvent>>> Map(AddWatchMode mode) => mode switch
    {
        AddWatchMode.Persistent => _persistent,
        AddWatchMode.PersistentRecursive => _recursive,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown AddWatchMode"),
    };

    private static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    private static void AddDistinct(List<Action<WatchedEvent>> from, List<Action<WatchedEvent>> into)
    {
        foreach (var watcher in from)
        {
            if (!into.Contains(watcher))
            {
                into.Add(watcher);
            }
        }
    }
}
