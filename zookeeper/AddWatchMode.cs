namespace ZkMitosis.ZooKeeper;

/// <summary>
/// The kinds of watch <see cref="ZooKeeperClient.AddWatchAsync"/> adds (ZooKeeper 3.6+, <c>AddWatchMode</c>; the
/// numbers are the wire values of <c>AddWatchModeRequest.mode</c>). Both stay until removed or the session ends.
/// </summary>
public enum AddWatchMode
{
    /// <summary>
    /// The znode itself: NodeCreated, NodeDataChanged, NodeDeleted and NodeChildrenChanged on that path, every time
    /// (a one-shot data watch plus a one-shot child watch that re-arm themselves).
    /// </summary>
    Persistent = 0,

    /// <summary>
    /// The znode and every descendant, present or future: NodeCreated, NodeDataChanged and NodeDeleted on any of them
    /// (never NodeChildrenChanged: a child's creation or deletion is the child's own event).
    /// </summary>
    PersistentRecursive = 1,
}
