using System.Diagnostics;
using System.Threading.Channels;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Mirror;

/// <summary>
/// <c>zkmitosis mirror</c>: follows every change under a source subtree with one persistent recursive watch
/// (ZooKeeper 3.6+) and applies it, in order, to a target subtree. The watch is registered before the initial copy
/// (<see cref="TreeCopier"/>, faithful, deleting extras) starts, so no change is missed; events of changes the copy
/// already carried are applied again harmlessly. Every event is applied by reading the source znode as it is now
/// (<see cref="ZnodeApplier"/>). A bounded periodic re-scan (the copy again, by mtime, comparing every ACL ever
/// set) carries what a watch cannot show: setACL. When the source session expires, or its connection is lost (the
/// server does not replay persistent-watch events of changes made meanwhile), the mirror resynchronises by a full
/// re-scan and says so in <see cref="MirrorStatus.LastResyncReason"/>.
/// </summary>
/// <remarks>
/// Start it, read <see cref="Status"/>, wait with <see cref="WaitUntilAppliedAsync"/> for a zxid (a migration step
/// waits for the source's zxid after the tenant stopped), then <see cref="StopAsync"/>. The initial copy and every
/// re-scan read from the server the watch session is on, so they never see an older state than events already applied.
/// </remarks>
public sealed class TreeMirror : IAsyncDisposable
{
    private const long RescanMtimeMarginMs = 60_000;

    /// <summary>Distinct znodes read together (two pipelined requests per side) and applied in order.</summary>
    private const int BatchSize = 100;

    private readonly MirrorOptions _options;
    private readonly MirrorCounters _counters = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _drain = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Channel<(long Sequence, string Path, WatchEventType Type)> _events = Channel.CreateUnbounded<(long, string, WatchEventType)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly List<(long Zxid, TaskCompletionSource Done)> _waiters = [];
    private readonly Task _run;
    private readonly List<string> _unapplied = new(BatchSize);
    private ZooKeeperClient? _source;
    private ZooKeeperClient? _target;
    private ZnodeApplier? _applier;
    private int _generation;
    private long _enqueued;
    private long _processed;
    private long _appliedZxid = -1;
    private long _markZxid = -1;
    private long _pendingMarkTakenAt;
    private double _lastLagMs;
    private long _lastRescanStartMs;
    private bool _finalRescan = true;
    private int _rescans;
    private int _resyncs;
    private volatile MirrorPhase _phase = MirrorPhase.InitialCopy;
    private bool _countersAfterCopy;
    private long _untilZxid = -1;
    private long _unappliedLast;
    private int _unappliedEvents;
    private readonly Lock _resyncGate = new();
    private string? _resyncReason;
    private volatile string? _lastResyncReason;
    private volatile string? _lastError;

    private TreeMirror(MirrorOptions options)
    {
        _options = options;
        _untilZxid = options.UntilZxid ?? -1;
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Completes when the mirror stopped: <see cref="MirrorOptions.UntilZxid"/> reached or <see cref="StopAsync"/>; faults with <see cref="MirrorException"/> or <see cref="CopyException"/> when it failed.</summary>
    public Task Completion => _run;

    /// <summary>The source session of the watch (for tests that end it from the server side).</summary>
    internal ZooKeeperClient? SourceSession => _source;

    /// <summary>Starts a mirror in the background; it connects, registers its watch and copies the tree first.</summary>
    /// <exception cref="ArgumentException">invalid options.</exception>
    public static TreeMirror Start(MirrorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.CopyOptions(null).Validate();
        if (options.MarkInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("mirror: the mark interval must be positive");
        }

        if (options.WritesInFlight is < 1 or > 10_000)
        {
            throw new ArgumentException($"mirror: writes in flight must be between 1 and 10000, not {options.WritesInFlight}");
        }

        return new TreeMirror(options);
    }

    /// <summary>
    /// Runs a mirror until <see cref="MirrorOptions.UntilZxid"/> is applied or <paramref name="cancellationToken"/>
    /// fires, calling <paramref name="onProgress"/> every <paramref name="progressInterval"/>. When the token fires
    /// the mirror drains (<see cref="DrainAndStopAsync"/>) within <paramref name="drainBound"/> (default 1.5 s: the
    /// CLI's host ends the process 2 s after SIGINT or SIGTERM).
    /// </summary>
    /// <returns>The last status.</returns>
    /// <exception cref="MirrorException">the mirror could not go on.</exception>
    /// <exception cref="CopyException">a server could not be reached, or the initial copy or a re-scan failed.</exception>
    public static async Task<MirrorStatus> RunAsync(MirrorOptions options, Action<MirrorStatus>? onProgress, TimeSpan progressInterval, CancellationToken cancellationToken, TimeSpan? drainBound = null)
    {
        await using var mirror = Start(options);
        var bound = drainBound ?? TimeSpan.FromMilliseconds(1500);
        Task? draining = null;
        using var registration = cancellationToken.Register(() => draining = mirror.DrainAndStopAsync(bound));
        // A drain that gave up (its bound and the stop's both passed) ends the loop too: every wait here is bounded.
        while (!mirror.Completion.IsCompleted && Volatile.Read(ref draining) is not { IsCompleted: true })
        {
            await Task.WhenAny(mirror.Completion, Task.Delay(progressInterval, CancellationToken.None)).ConfigureAwait(false);
            onProgress?.Invoke(mirror.Status);
        }

        if (Volatile.Read(ref draining) is { } drain)
        {
            // Done before the mirror is disposed (it stops the sessions the drain may still be closing).
            await drain.ConfigureAwait(false);
        }

        if (!mirror.Completion.IsCompleted)
        {
            throw new MirrorException($"the mirror did not stop within {(bound + StopBound).TotalSeconds:0} s of being asked to; what the target acknowledged stays applied, the rest was not drained");
        }

        try
        {
            await mirror.Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or CopyException or KeeperException)
        {
            // Interrupted: the normal end of a mirror without --until-zxid (a copy stopped by it may end in its own error).
        }

        return mirror.Status;
    }

    /// <summary>A snapshot of the counters and the lag.</summary>
    public MirrorStatus Status
    {
        get
        {
            var applied = Interlocked.Read(ref _appliedZxid);
            var sourceZxid = Math.Max(_source?.LastZxidSeen ?? -1, Interlocked.Read(ref _markZxid));
            var pendingSince = Interlocked.Read(ref _pendingMarkTakenAt);
            var lagMs = Volatile.Read(ref _lastLagMs);
            if (pendingSince != 0)
            {
                lagMs = Math.Max(lagMs, Stopwatch.GetElapsedTime(pendingSince).TotalMilliseconds);
            }

            return new MirrorStatus
            {
                Source = _options.Source.ToString(),
                Target = _options.Target.ToString(),
                Phase = _run.IsCompleted ? MirrorPhase.Stopped : _phase,
                EventsReceived = Interlocked.Read(ref _counters.EventsReceived),
                EventsApplied = Interlocked.Read(ref _counters.EventsApplied),
                Created = Interlocked.Read(ref _counters.Created),
                DataUpdated = Interlocked.Read(ref _counters.DataUpdated),
                AclUpdated = Interlocked.Read(ref _counters.AclUpdated),
                Deleted = Interlocked.Read(ref _counters.Deleted),
                VersionBumps = Interlocked.Read(ref _counters.VersionBumps),
                SequenceBumps = Interlocked.Read(ref _counters.SequenceBumps),
                EphemeralsSkipped = Interlocked.Read(ref _counters.EphemeralsSkipped),
                Rescans = Volatile.Read(ref _rescans),
                Resyncs = Volatile.Read(ref _resyncs),
                LastResyncReason = _lastResyncReason,
                SourceZxid = sourceZxid,
                AppliedZxid = applied,
                LagTxns = LagTxns(sourceZxid, applied),
                LagMs = applied < 0 ? 0 : lagMs,
                Retries = Interlocked.Read(ref _counters.Retries),
                LastError = _lastError,
                Unfaithful = _counters.UnfaithfulList(),
                Elapsed = _clock.Elapsed,
            };
        }
    }

    /// <summary>Waits until every source change up to <paramref name="zxid"/> has been applied to the target.</summary>
    /// <exception cref="MirrorException">the mirror stopped before (or failed).</exception>
    public async Task WaitUntilAppliedAsync(long zxid, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource done;
        lock (_waiters)
        {
            if (Interlocked.Read(ref _appliedZxid) >= zxid)
            {
                return;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((zxid, done));
        }

        var first = await Task.WhenAny(done.Task, _run).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (first != done.Task && Interlocked.Read(ref _appliedZxid) < zxid)
        {
            throw new MirrorException($"the mirror stopped before zxid {Zxid.Format(zxid)} was applied (applied up to {Zxid.Format(Interlocked.Read(ref _appliedZxid))})", _run.Exception?.GetBaseException());
        }
    }

    /// <summary>
    /// Stops once every source change up to <paramref name="zxid"/> is applied, after one last re-scan (which carries
    /// the ACLs set up to there), and returns the final status: what a migration step calls after the tenant stopped,
    /// with the source's zxid at that moment.
    /// </summary>
    /// <exception cref="MirrorException">the mirror failed or was stopped before.</exception>
    public Task<MirrorStatus> StopAfterAsync(long zxid, CancellationToken cancellationToken = default) => StopAfterAsync(zxid, finalRescan: true, cancellationToken);

    /// <summary>
    /// As <see cref="StopAfterAsync(long, CancellationToken)"/>; without <paramref name="finalRescan"/> it stops as soon
    /// as every event up to <paramref name="zxid"/> is applied, leaving what no watch shows (setACL) to the caller's
    /// own comparison (strategy copy's verify, which repairs what differs).
    /// </summary>
    /// <exception cref="MirrorException">the mirror failed or was stopped before.</exception>
    public async Task<MirrorStatus> StopAfterAsync(long zxid, bool finalRescan, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(zxid);
        Volatile.Write(ref _finalRescan, finalRescan);
        Interlocked.Exchange(ref _untilZxid, zxid);
        try
        {
            await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MirrorException($"the mirror was stopped before zxid {Zxid.Format(zxid)} was applied");
        }

        return Status;
    }

    /// <summary>
    /// Stops cleanly: takes no further events, lets the batch being applied finish (every write in flight
    /// acknowledged, so no change is left half-applied), then stops and returns the final status; what is still
    /// queued is left to the next mirror (its initial copy carries it). An initial copy, re-scan or
    /// resynchronisation under way is stopped at once (each is a copy a later run repeats). Past
    /// <paramref name="bound"/> it stops at once, as <see cref="StopAsync"/> does. Never throws for a mirror that
    /// failed (see <see cref="Completion"/>).
    /// </summary>
    public async Task<MirrorStatus> DrainAndStopAsync(TimeSpan bound)
    {
        await _drain.CancelAsync().ConfigureAwait(false);
        if (_phase is not MirrorPhase.Following)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _run.WaitAsync(bound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or MirrorException or CopyException or KeeperException)
        {
            // Reported through Completion.
        }

        await StopAsync().ConfigureAwait(false);
        return Status;
    }

    /// <summary>Stops following and closes the sessions, waiting at most 10 s for the run; what was applied stays applied. Never throws for a mirror that failed (see <see cref="Completion"/>).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.WaitAsync(StopBound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The run did not observe the stop in time: Completion stays incomplete and RunAsync says so.
        }
        catch (Exception e) when (e is OperationCanceledException or MirrorException or CopyException or KeeperException)
        {
            // Reported through Completion.
        }
    }

    /// <summary>How long <see cref="StopAsync"/> waits for the run to observe the stop (10 s).</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    /// <inheritdoc cref="StopAsync"/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _drain.Dispose();
    }

    private static long LagTxns(long source, long applied)
    {
        if (source < 0 || applied < 0 || source <= applied)
        {
            return source > 0 && applied < 0 ? Zxid.Counter(source) : 0;
        }

        return Zxid.Epoch(source) == Zxid.Epoch(applied) ? source - applied : Zxid.Counter(source);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            _target = await SessionFactory.ConnectAsync("target", _options.Target.Hosts, _options.TargetAuth, _options.TargetSecurity, _options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
            await OpenSourceAsync(cancellationToken).ConfigureAwait(false);
            _phase = MirrorPhase.InitialCopy;
            await CopyAsync(null, cancellationToken).ConfigureAwait(false);
            _phase = MirrorPhase.Following;
            await FollowAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _phase = MirrorPhase.Stopped;
            _events.Writer.TryComplete();
            if (_source is not null)
            {
                await _source.DisposeAsync().ConfigureAwait(false);
            }

            if (_target is not null)
            {
                await _target.DisposeAsync().ConfigureAwait(false);
            }

            lock (_waiters)
            {
                foreach (var (_, done) in _waiters)
                {
                    done.TrySetResult();
                }

                _waiters.Clear();
            }
        }
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        var interval = _options.RescanInterval;
        var nextRescan = interval > TimeSpan.Zero ? _clock.Elapsed + interval : TimeSpan.MaxValue;
        MirrorMark? pending = null;
        var finalRescanDone = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_drain.IsCancellationRequested)
            {
                // Stopping cleanly: the batch applied last is acknowledged entirely; nothing is half-applied.
                return;
            }

            try
            {
                if (TakeResync() is { } reason)
                {
                    pending = null;
                    await ResynchroniseAsync(reason, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (_clock.Elapsed >= nextRescan)
                {
                    await RescanAsync(cancellationToken).ConfigureAwait(false);
                    nextRescan = _clock.Elapsed + interval;
                }

                pending ??= await TakeMarkAsync(cancellationToken).ConfigureAwait(false);
                await ApplyQueuedAsync(pending.Sequence, cancellationToken).ConfigureAwait(false);
                if (Interlocked.Read(ref _processed) < pending.Sequence)
                {
                    continue;
                }

                if (_countersAfterCopy)
                {
                    await _applier!.ReconcileAllCountersAsync(pending.Zxid, cancellationToken).ConfigureAwait(false);
                    _countersAfterCopy = false;
                }
                else
                {
                    await _applier!.ReconcileCountersAsync(pending.Zxid, cancellationToken).ConfigureAwait(false);
                }

                var until = Interlocked.Read(ref _untilZxid);
                var reached = until >= 0 && pending.Zxid >= until;
                if (reached && !finalRescanDone && Volatile.Read(ref _finalRescan))
                {
                    // setACL shows no event: one last re-scan carries the ACLs set up to here; the next mark then
                    // applies what came meanwhile and raises the counters.
                    await RescanAsync(cancellationToken).ConfigureAwait(false);
                    finalRescanDone = true;
                    pending = null;
                    continue;
                }

                Applied(pending);
                if (finalRescanDone || reached)
                {
                    return;
                }

                pending = null;
                await WaitForEventsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KeeperException or CopyException && !cancellationToken.IsCancellationRequested)
            {
                await HandleFailureAsync(e, cancellationToken).ConfigureAwait(false);
                pending = null;
            }
        }
    }

    /// <summary>
    /// Applies queued events in batches (each znode once per batch, in the order of its first event) until the
    /// mark's sequence is reached, so the lag is measured as soon as it is.
    /// </summary>
    private async Task ApplyQueuedAsync(long untilSequence, CancellationToken cancellationToken)
    {
        var reader = _events.Reader;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (_unapplied.Count > 0)
        {
            // A batch a transient failure interrupted: its events are no longer in the queue.
            await _applier!.ApplyBatchAsync(_unapplied, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _counters.EventsApplied, _unappliedEvents);
            Interlocked.Exchange(ref _processed, _unappliedLast);
            _unapplied.Clear();
        }

        while (!ResyncRequested && !_drain.IsCancellationRequested)
        {
            var batch = _unapplied;
            seen.Clear();
            var last = -1L;
            var events = 0;
            while (batch.Count < BatchSize && last < untilSequence && reader.TryRead(out var item))
            {
                last = item.Sequence;
                if (_applier!.Relative(item.Path) is not { } relative)
                {
                    continue;
                }

                if (item.Type is WatchEventType.NodeCreated or WatchEventType.NodeDeleted && relative.Length > 0)
                {
                    _applier.ChildrenChanged(ZnodeApplier.ParentOf(relative));
                }

                if (seen.Add(relative))
                {
                    batch.Add(relative);
                }

                events++;
            }

            if (last < 0)
            {
                return;
            }

            _unappliedLast = last;
            _unappliedEvents = events;
            if (batch.Count > 0)
            {
                await _applier!.ApplyBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            batch.Clear();
            Interlocked.Add(ref _counters.EventsApplied, events);
            Interlocked.Exchange(ref _processed, last);
            if (last >= untilSequence)
            {
                return;
            }
        }
    }

    private async Task WaitForEventsAsync(CancellationToken cancellationToken)
    {
        using var waitOrDrain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _drain.Token);
        try
        {
            await _events.Reader.WaitToReadAsync(waitOrDrain.Token).AsTask().WaitAsync(_options.MarkInterval, waitOrDrain.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing new: take the next mark (the lag of an idle mirror is one round trip).
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopping cleanly: the loop returns.
        }
    }

    private async Task<MirrorMark> TakeMarkAsync(CancellationToken cancellationToken)
    {
        var takenAt = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _pendingMarkTakenAt, takenAt);
        var zxid = await _source!.FlushWatchEventsAsync(_options.Source.Path, cancellationToken).ConfigureAwait(false);
        InterlockedMax(ref _markZxid, zxid);
        return new MirrorMark(zxid, Interlocked.Read(ref _enqueued), takenAt);
    }

    private void Applied(MirrorMark mark)
    {
        Volatile.Write(ref _lastLagMs, Stopwatch.GetElapsedTime(mark.TakenAt).TotalMilliseconds);
        Interlocked.CompareExchange(ref _pendingMarkTakenAt, 0, mark.TakenAt);
        InterlockedMax(ref _appliedZxid, mark.Zxid);
        lock (_waiters)
        {
            _waiters.RemoveAll(w =>
            {
                if (w.Zxid > mark.Zxid)
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }
    }

    private async Task HandleFailureAsync(Exception e, CancellationToken cancellationToken)
    {
        var keeper = e as KeeperException ?? e.InnerException as KeeperException;
        _lastError = e.Message;
        if (_source?.State is ZooKeeperState.Expired)
        {
            RequestResync($"source session 0x{_source.SessionId:x} expired", overriding: true);
            return;
        }

        if (_target?.State is ZooKeeperState.Expired)
        {
            RequestResync($"target session 0x{_target.SessionId:x} expired", overriding: false);
            return;
        }

        if (keeper is { IsTransient: true } || keeper?.Code is KeeperErrorCode.SessionExpired or KeeperErrorCode.SessionMoved)
        {
            _counters.Add(ref _counters.Retries);
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            return;
        }

        throw new MirrorException($"mirror stopped: {e.Message}", e);
    }

    /// <summary>A new source session with its watch (a new generation: events of the old one are dropped).</summary>
    private async Task OpenSourceAsync(CancellationToken cancellationToken)
    {
        var old = _source;
        var generation = Interlocked.Increment(ref _generation);
        var source = await SessionFactory.ConnectAsync("source", _options.Source.Hosts, _options.SourceAuth, _options.SourceSecurity, _options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
        source.StateChanged += change => OnSourceState(generation, source, change);
        try
        {
            await source.AddWatchAsync(_options.Source.Path, AddWatchMode.PersistentRecursive, e => OnEvent(generation, e), cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw new MirrorException(e.Code == KeeperErrorCode.Unimplemented
                ? $"source: {_options.Source.Hosts} does not implement addWatch (persistent recursive watches need ZooKeeper 3.6 or later)"
                : $"source: adding a persistent recursive watch on {_options.Source.Path} failed: {e.Code}", e);
        }

        _source = source;
        _applier = new ZnodeApplier(source, _target!, _options, _counters);
        if (old is not null)
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnEvent(int generation, WatchedEvent e)
    {
        if (generation != Volatile.Read(ref _generation))
        {
            return;
        }

        if (e.Type == WatchEventType.None)
        {
            if (e.State == ZooKeeperState.Expired)
            {
                RequestResync("source session expired", overriding: true);
            }

            return;
        }

        // Called on the client's event dispatcher, one event at a time, in the order of the source's changes.
        _counters.Add(ref _counters.EventsReceived);
        var sequence = Interlocked.Increment(ref _enqueued);
        _events.Writer.TryWrite((sequence, e.Path!, e.Type));
    }

    private void OnSourceState(int generation, ZooKeeperClient source, ZooKeeperStateChange change)
    {
        if (generation != Volatile.Read(ref _generation))
        {
            return;
        }

        if (change.Current == ZooKeeperState.Expired)
        {
            RequestResync($"source session 0x{source.SessionId:x} expired", overriding: true);
        }
        else if (change.Previous == ZooKeeperState.Disconnected && change.Current is ZooKeeperState.Connected)
        {
            RequestResync($"source connection lost and resumed on {change.Server}: ZooKeeper does not replay persistent-watch events of changes made meanwhile", overriding: false);
        }
    }

    private async Task ResynchroniseAsync(string reason, CancellationToken cancellationToken)
    {
        _phase = MirrorPhase.Resynchronising;
        Interlocked.Increment(ref _resyncs);
        _lastResyncReason = reason;
        try
        {
            await ReopenAndCopyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not done: the next turn of the loop tries again (unless a newer reason replaced this one).
            RequestResync(reason, overriding: false);
            throw;
        }

        _phase = MirrorPhase.Following;
    }

    private async Task ReopenAndCopyAsync(CancellationToken cancellationToken)
    {
        if (_target!.State is ZooKeeperState.Expired or ZooKeeperState.Closed or ZooKeeperState.AuthFailed)
        {
            var old = _target;
            _target = await SessionFactory.ConnectAsync("target", _options.Target.Hosts, _options.TargetAuth, _options.TargetSecurity, _options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
            await old.DisposeAsync().ConfigureAwait(false);
            _applier = new ZnodeApplier(_source!, _target, _options, _counters);
        }

        if (_source!.State is ZooKeeperState.Expired or ZooKeeperState.Closed or ZooKeeperState.AuthFailed)
        {
            await OpenSourceAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The watch was re-registered (setWatches2) before anything this session sends now: the barrier makes
            // sure the server has it before the re-scan reads.
            await _source.FlushWatchEventsAsync(_options.Source.Path, cancellationToken).ConfigureAwait(false);
        }

        await CopyAsync(null, cancellationToken).ConfigureAwait(false);
    }

    private bool ResyncRequested
    {
        get
        {
            lock (_resyncGate)
            {
                return _resyncReason is not null;
            }
        }
    }

    /// <summary>Asks the loop for a full re-scan. An expiry replaces a pending connection-loss reason (it says more).</summary>
    private void RequestResync(string reason, bool overriding)
    {
        lock (_resyncGate)
        {
            if (overriding || _resyncReason is null)
            {
                _resyncReason = reason;
            }
        }
    }

    private string? TakeResync()
    {
        lock (_resyncGate)
        {
            var reason = _resyncReason;
            _resyncReason = null;
            return reason;
        }
    }

    private async Task RescanAsync(CancellationToken cancellationToken)
    {
        var previous = _phase;
        _phase = MirrorPhase.Rescanning;
        await CopyAsync(Volatile.Read(ref _lastRescanStartMs) - RescanMtimeMarginMs, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _rescans);
        _phase = previous;
    }

    /// <summary>
    /// The copy engine as initial copy, re-scan or resynchronisation. It reads from the server the watch session is
    /// on: a server is never behind its own earlier answers, so the copy cannot write back an older state than the
    /// events already applied. Events queued meanwhile are applied after it.
    /// </summary>
    private async Task CopyAsync(long? modifiedSince, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastRescanStartMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var server = _source!.ConnectedServer ?? _options.Source.Hosts;
        var options = _options.CopyOptions(modifiedSince) with { Source = _options.Source with { Hosts = server } };
        CopySummary summary;
        try
        {
            summary = await TreeCopier.CopyAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (CopyFailedException e) when (e.Code is KeeperErrorCode.NoAuth or KeeperErrorCode.MarshallingError || e.Code is null)
        {
            throw new MirrorException($"mirror stopped: {e.Message}", e);
        }

        foreach (var item in summary.Unfaithful)
        {
            _counters.Unfaithful(item);
        }

        // The copy leaves sequential counters alone: they are raised at the next mark, once the events of every
        // child created meanwhile are applied (raised now, such a child would be counted twice).
        _countersAfterCopy = true;
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var previous = Interlocked.CompareExchange(ref location, value, current);
            if (previous == current)
            {
                return;
            }

            current = previous;
        }
    }
}
