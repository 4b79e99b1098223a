using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>What a queued write is, so that what the server acknowledged can be counted by kind.</summary>
internal enum WriteKind { Create, CreateContainer, CreateTtl, SetData, Delete, VersionBump, SequenceBumpCreate, SequenceBump }

/// <summary>
/// Sends writes as atomic <c>multi</c> batches bounded by their exact size on the wire (jute encoding, under the
/// server's jute.maxbuffer and <see cref="CopyOptions.MaxBatchBytes"/>) and by count, with several batches in
/// flight. A write that fits no multi (a multi adds 18 bytes of framing) is sent alone; one too large even alone
/// is refused before it is sent, naming the znode and both sizes. Requests go out in the order ops were added,
/// and ZooKeeper applies one session's requests in order, so a child's create always follows its parent's. The
/// first failed request stops the writer: nothing of that batch is applied (multi is atomic) and its failure
/// names the op. Only what the server acknowledged is counted.
/// </summary>
internal sealed class BatchWriter(ZooKeeperClient client, CopyOptions options, CopyProgress progress)
{
    private readonly List<(Op Op, WriteKind Kind)> _ops = [];
    private readonly List<Task> _inFlight = [];
    private readonly SemaphoreSlim _window = new(options.BatchesInFlight, options.BatchesInFlight);
    private readonly long[] _acknowledged = new long[Enum.GetValues<WriteKind>().Length];
    private readonly int _batchLimit = Math.Min(options.MaxBatchBytes, options.MaxFrameBytes);
    private int _bytes = ZooKeeperClient.MultiOverheadBytes;
    private long _batches;
    private BatchFailure? _failure;

    /// <summary>Requests the server acknowledged (multi batches and writes sent alone).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public BatchFailure? Failure => Volatile.Read(ref _failure);

    /// <summary>Writes of <paramref name="kind"/> the server acknowledged.</summary>
    public long Acknowledged(WriteKind kind) => Interlocked.Read(ref _acknowledged[(int)kind]);

    /// <summary>Queues <paramref name="op"/>; sends the current batch first when it would overflow.</summary>
    /// <exception cref="CopyException">the op is larger than the target accepts, or an earlier request failed.</exception>
    public async Task AddAsync(Op op, WriteKind kind, CancellationToken cancellationToken)
    {
        var alone = client.SingleRequestBytes(op);
        if (alone > options.MaxFrameBytes)
        {
            throw new CopyException(
                $"target: {op.Path} is too large for the target: its write is {alone} bytes on the wire, over the target's frame limit of {options.MaxFrameBytes} bytes (jute.maxbuffer, --max-frame-bytes); it was not sent",
                op.Path,
                KeeperErrorCode.MarshallingError);
        }

        var bytes = client.MultiOpBytes(op);
        if (ZooKeeperClient.MultiOverheadBytes + bytes > _batchLimit)
        {
            // Fits no multi: it goes alone, after what is queued (the session keeps the order).
            if (_ops.Count > 0)
            {
                await SendAsync(cancellationToken).ConfigureAwait(false);
            }

            await StartAsync(RunAloneAsync(op, kind, cancellationToken), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_ops.Count > 0 && (_ops.Count >= options.MaxBatchOps || _bytes + bytes > _batchLimit))
        {
            await SendAsync(cancellationToken).ConfigureAwait(false);
        }

        _ops.Add((op, kind));
        _bytes += bytes;
    }

    /// <summary>Sends what is queued and waits for every request in flight.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_ops.Count > 0)
        {
            await SendAsync(cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_inFlight).ConfigureAwait(false);
        _inFlight.Clear();
    }

    private Task SendAsync(CancellationToken cancellationToken)
    {
        var batch = _ops.ToArray();
        _ops.Clear();
        _bytes = ZooKeeperClient.MultiOverheadBytes;
        return StartAsync(RunAsync(batch, cancellationToken), cancellationToken);
    }

    /// <summary>Waits for a slot in the window, then lets <paramref name="request"/> run (it releases the slot).</summary>
    private async Task StartAsync(Func<Task> request, CancellationToken cancellationToken)
    {
        if (Failure is { } failure)
        {
            throw failure.ToException();
        }

        await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
        _inFlight.RemoveAll(t => t.IsCompleted);
        _inFlight.Add(request());
    }

    private Func<Task> RunAsync((Op Op, WriteKind Kind)[] batch, CancellationToken cancellationToken) => async () =>
    {
        try
        {
            var result = await client.MultiAsync([.. batch.Select(b => b.Op)], cancellationToken).ConfigureAwait(false);
            if (!result.Committed)
            {
                var failed = result.FirstFailure;
                Fail(new BatchFailure(failed?.Path ?? batch[0].Op.Path, failed?.Error, $"a batch of {batch.Length} writes was refused at {failed?.Path ?? batch[0].Op.Path}: {failed?.Error}; nothing of that batch was applied", null));
                return;
            }

            Acknowledge(batch);
        }
        catch (KeeperException e)
        {
            Fail(new BatchFailure(e.Path ?? batch[0].Op.Path, e.Code, $"a batch of {batch.Length} writes starting at {batch[0].Op.Path} failed: {e.Code} ({e.Message}); a multi is atomic, so it was applied entirely or not at all", e));
        }
        finally
        {
            _window.Release();
        }
    };

    private Func<Task> RunAloneAsync(Op op, WriteKind kind, CancellationToken cancellationToken) => async () =>
    {
        try
        {
            await client.SingleAsync(op, cancellationToken).ConfigureAwait(false);
            Acknowledge([(op, kind)]);
        }
        catch (KeeperException e)
        {
            Fail(new BatchFailure(op.Path, e.Code, $"writing {op.Path} alone (too large for a multi) failed: {e.Code} ({e.Message})", e));
        }
        finally
        {
            _window.Release();
        }
    };

    private void Acknowledge((Op Op, WriteKind Kind)[] batch)
    {
        foreach (var (_, kind) in batch)
        {
            Interlocked.Increment(ref _acknowledged[(int)kind]);
        }

        Interlocked.Increment(ref _batches);
        progress.AddWritten(batch.Length);
    }

    private void Fail(BatchFailure failure) => Interlocked.CompareExchange(ref _failure, failure, null);
}

/// <summary>The first request that failed.</summary>
internal sealed record BatchFailure(string Path, KeeperErrorCode? Code, string Message, Exception? Inner)
{
    public CopyException ToException() => new($"target: {Message}", Path, Code, Inner);
}
