namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>Which registration a watcher came from; decides which events fire it.</summary>
internal enum WatchKind
{
    /// <summary>getData, or exists on a node that exists.</summary>
    Data,

    /// <summary>exists on a node that does not exist (yet).</summary>
    Exist,

    /// <summary>getChildren.</summary>
    Child,
}

/// <summary>
/// The client's one-shot watches, by server path (with the chroot). An event removes the watchers it fires,
/// so each is called once; after a reconnect the paths are re-registered with setWatches.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Action<WatchedEvent>>> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Action<WatchedEvent>>> _exist = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Action<WatchedEvent>>> _child = new(StringComparer.Ordinal);

    public void Add(WatchKind kind, string serverPath, Action<WatchedEvent> watcher)
    {
        var map = kind switch { WatchKind.Data => _data, WatchKind.Exist => _exist, _ => _child };
        lock (_gate)
        {
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

    /// <summary>Removes and returns (each once) the watchers an event of <paramref name="type"/> on <paramref name="serverPath"/> fires.</summary>
    public List<Action<WatchedEvent>> Take(WatchEventType type, string serverPath)
    {
        var fired = new List<Action<WatchedEvent>>();
        lock (_gate)
        {
            switch (type)
            {
                case WatchEventType.NodeCreated:
                case WatchEventType.NodeDataChanged:
                    Move(_data, serverPath, fired);
                    Move(_exist, serverPath, fired);
                    break;
                case WatchEventType.NodeDeleted:
                    Move(_data, serverPath, fired);
                    Move(_exist, serverPath, fired);
                    Move(_child, serverPath, fired);
                    break;
                case WatchEventType.NodeChildrenChanged:
                    Move(_child, serverPath, fired);
                    break;
            }
        }

        return fired;
    }

    /// <summary>Removes and returns every watcher (each once): the session ended.</summary>
    public List<Action<WatchedEvent>> TakeAll()
    {
        var all = new List<Action<WatchedEvent>>();
        lock (_gate)
        {
            foreach (var map in new[] { _data, _exist, _child })
            {
                foreach (var list in map.Values)
                {
                    foreach (var watcher in list)
                    {
                        if (!all.Contains(watcher))
                        {
                            all.Add(watcher);
                        }
                    }
                }

                map.Clear();
            }
        }

        return all;
    }

    /// <summary>The watched server paths, for setWatches after a reconnect.</summary>
    public (List<string> Data, List<string> Exist, List<string> Child) Paths()
    {
        lock (_gate)
        {
            return ([.. _data.Keys], [.. _exist.Keys], [.. _child.Keys]);
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _data.Values.Sum(l => l.Count) + _exist.Values.Sum(l => l.Count) + _child.Values.Sum(l => l.Count);
            }
        }
    }

    private static void Move(Dictionary<string, List<Action<WatchedEvent>>> map, string path, List<Action<WatchedEvent>> into)
    {
        if (map.Remove(path, out var list))
        {
            foreach (var watcher in list)
            {
                if (!into.Contains(watcher))
                {
                    into.Add(watcher);
                }
            }
        }
    }
}
