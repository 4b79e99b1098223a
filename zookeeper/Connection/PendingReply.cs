using ZkMitosis.ZooKeeper.Protocol;

namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>A request on the wire, waiting for the reply with its xid.</summary>
internal interface IPendingReply
{
    int Xid { get; set; }

    /// <summary>TimeProvider timestamp after which the caller gets OperationTimeout (the reply, if it comes, is dropped).</summary>
    long Deadline { get; }

    bool IsCompleted { get; }

    /// <summary>Called on the read loop with the reply's error code and body. Protocol errors propagate.</summary>
    void Complete(int error, ref JuteReader body);

    void Fail(Exception error);
}

/// <summary>Parses a reply body (or turns its error code into a result or an exception) for one kind of request.</summary>
internal delegate T ReplyParser<T>(PendingReply<T> request, int error, ref JuteReader body);

/// <summary>
/// One call in flight: the task the caller awaits (continuations run asynchronously, never on the read loop),
/// plus what the parser needs (the caller's path, a watcher, a state object).
/// </summary>
internal sealed class PendingReply<T> : TaskCompletionSource<T>, IPendingReply, IHasPath
{
    private readonly ReplyParser<T> _parser;
    private CancellationTokenRegistration _cancellation;

    public PendingReply(ZooKeeperClient client, string? path, ReplyParser<T> parser, long deadline, object? state = null, Action<WatchedEvent>? watcher = null)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Client = client;
        Path = path;
        _parser = parser;
        Deadline = deadline;
        State = state;
        Watcher = watcher;
    }

    public ZooKeeperClient Client { get; }

    /// <summary>The path as the caller gave it (without the chroot), for errors and results.</summary>
    public string? Path { get; }

    public object? State { get; }

    public Action<WatchedEvent>? Watcher { get; }

    public int Xid { get; set; }

    public long Deadline { get; }

    public bool IsCompleted => Task.IsCompleted;

    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((PendingReply<T>)s!).TrySetCanceled(token), this);
        }
    }

    public void Complete(int error, ref JuteReader body)
    {
        T result;
        try
        {
            result = _parser(this, error, ref body);
        }
        catch (KeeperException e)
        {
            Fail(e);
            return;
        }

        TrySetResult(result);
        _cancellation.Dispose();
    }

    public void Fail(Exception error)
    {
        TrySetException(error);
        _cancellation.Dispose();
    }

    /// <summary>The standard outcome of a non-zero error code: a KeeperException naming the caller's path.</summary>
    public KeeperException Error(int error) => new((KeeperErrorCode)error, Path);
}
