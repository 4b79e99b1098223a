namespace ZkMitosis.ZooKeeper;

/// <summary>Kinds of watch notification (ZooKeeper's <c>Watcher.Event.EventType</c> numbers).</summary>
public enum WatchEventType
{
    /// <summary>No znode event: the session ended (state Expired, AuthFailed or Closed) before the watch fired.</summary>
    None = -1,
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
}

/// <summary>
/// A watch notification. Each watcher registered by a call is invoked exactly once: with the znode event, or
/// with a <see cref="WatchEventType.None"/> event when the session ends first. <paramref name="Path"/> is the
/// client-side path (chroot stripped); null for None events.
/// </summary>
public sealed record WatchedEvent(WatchEventType Type, ZooKeeperState State, string? Path);
