using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Mirror;

/// <summary>
/// The mirror's writes to the target, pipelined on the one target session with a bounded number in flight.
/// ZooKeeper executes one session's requests in the order they were sent (the FIFO client order of the ZooKeeper
/// Programmer's Guide), so pipelining keeps every order the mirror sends in: a path's own writes, a parent's create
/// before its child's, a child's delete before its parent's; and a read sent later on the same session sees every
/// write sent before it. A write a race refuses (NoNode, NodeExists, NotEmpty) does not stop the others: its znode is
/// returned by <see cref="DrainAsync"/> and the caller applies it again from fresh reads. A delete that finds no
/// znode counts as done (a container the target server removed, or a subtree already deleted).
/// </summary>
/// <remarks>
/// In <see cref="Immediate"/> mode each write is awaited before the next and its error is thrown: the form the
/// mirror's fallbacks need (a create refused for a missing parent creates the parent, then itself). With one write in
/// flight the mirror writes as it did before pipelining: one target round trip per write.
/// </remarks>
internal sealed class TargetWrites(ZooKeeperClient target, int maxInFlight)
{
    private readonly Queue<Pending> _inFlight = new();
    private readonly List<string> _refused = [];
    private KeeperException? _failure;

    /// <summary>Await each write and throw its error instead of pipelining.</summary>
    public bool Immediate { get; set; }

    /// <summary>Sends <paramref name="op"/> (a write for the znode at <paramref name="relative"/>); <paramref name="acknowledged"/> runs once the server applied it.</summary>
    /// <exception cref="KeeperException">in <see cref="Immediate"/> mode: the server refused the write (a delete's NoNode excepted).</exception>
    public ValueTask SendAsync(Op op, string relative, Action? acknowledged, CancellationToken cancellationToken) =>
        SendAsync(() => target.SingleAsync(op, cancellationToken), false, relative, acknowledged);

    /// <summary>Sends a delete of <paramref name="path"/> (any version); one that finds no znode counts as done, <paramref name="acknowledged"/> not run.</summary>
    /// <exception cref="KeeperException">in <see cref="Immediate"/> mode: the server refused it (NotEmpty, …).</exception>
    public ValueTask SendDeleteAsync(string path, string relative, Action? acknowledged, CancellationToken cancellationToken) =>
        SendAsync(() => target.SingleAsync(Op.Delete(path), cancellationToken), true, relative, acknowledged);

    /// <summary>Sends a setACL of <paramref name="path"/> (any ACL version); as <see cref="SendAsync(Op, string, Action?, CancellationToken)"/>.</summary>
    /// <exception cref="KeeperException">in <see cref="Immediate"/> mode: the server refused it.</exception>
    public ValueTask SendAclAsync(string path, IReadOnlyList<ZooKeeperAcl> acl, string relative, Action? acknowledged, CancellationToken cancellationToken) =>
        SendAsync(() => target.SetAclAsync(path, acl, cancellationToken: cancellationToken), false, relative, acknowledged);

    private async ValueTask SendAsync(Func<Task> send, bool delete, string relative, Action? acknowledged)
    {
        if (Immediate || maxInFlight <= 1)
        {
            await DrainPipelineAsync().ConfigureAwait(false);
            try
            {
                await send().ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode && delete)
            {
                return;
            }
            catch (KeeperException e) when (!Immediate && IsRace(e.Code))
            {
                Refused(relative);
                return;
            }

            acknowledged?.Invoke();
            return;
        }

        while (_inFlight.Count >= maxInFlight)
        {
            await CompleteAsync(_inFlight.Dequeue()).ConfigureAwait(false);
        }

        _inFlight.Enqueue(new Pending(delete, relative, acknowledged, send()));
    }

    /// <summary>Waits for every write in flight; returns the znodes (in the order first refused) a race refused a write of.</summary>
    /// <exception cref="KeeperException">a write failed otherwise (a lost connection, NoAuth, …): the first such error.</exception>
    public async Task<IReadOnlyList<string>> DrainAsync()
    {
        await DrainPipelineAsync().ConfigureAwait(false);
        if (_failure is { } failure)
        {
            _failure = null;
            _refused.Clear();
            throw failure;
        }

        var refused = _refused.ToList();
        _refused.Clear();
        return refused;
    }

    /// <summary>Forgets writes still in flight after a failure (their replies are observed, not awaited): the batch is applied again from fresh reads.</summary>
    public void Abandon()
    {
        while (_inFlight.TryDequeue(out var pending))
        {
            _ = pending.Reply.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        _refused.Clear();
        _failure = null;
    }

    private static bool IsRace(KeeperErrorCode code) => code is KeeperErrorCode.NoNode or KeeperErrorCode.NodeExists or KeeperErrorCode.NotEmpty;

    private async Task DrainPipelineAsync()
    {
        while (_inFlight.TryDequeue(out var pending))
        {
            await CompleteAsync(pending).ConfigureAwait(false);
        }
    }

    private async Task CompleteAsync(Pending pending)
    {
        try
        {
            await pending.Reply.ConfigureAwait(false);
            pending.Acknowledged?.Invoke();
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode && pending.Delete)
        {
            // Already gone.
        }
        catch (KeeperException e) when (IsRace(e.Code))
        {
            Refused(pending.Relative);
        }
        catch (KeeperException e)
        {
            _failure ??= e;
        }
    }

    private void Refused(string relative)
    {
        if (!_refused.Contains(relative))
        {
            _refused.Add(relative);
        }
    }

    private sealed record Pending(bool Delete, string Relative, Action? Acknowledged, Task Reply);
}
