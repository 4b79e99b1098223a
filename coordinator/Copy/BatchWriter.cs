using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// Sends writes as atomic <c>multi</c> batches bounded by bytes (under the server's jute.maxbuffer) and by
/// count, with several batches in flight. Batches go out in the order ops were added, and ZooKeeper applies
/// one session's requests in order, so a child's create always follows its parent's. The first failed batch
/// stops the writer: nothing of that batch is applied (multi is atomic) and its failure names the op.
/// </summary>
internal sealed class BatchWriter(ZooKeeperClient client, CopyOptions options)
{
    // Per op in a multi request: the op header (type, done flag, error) plus the request's own framing.
    private const int OpOverheadBytes = 32;

    private readonly List<Op> _ops = [];
    private readonly List<Task> _inFlight = [];
    private readonly SemaphoreSlim _window = new(options.BatchesInFlight, options.BatchesInFlight);
    private int _bytes;
    private long _batches;
    private long _opsSent;
    private BatchFailure? _failure;

    public long Batches => Interlocked.Read(ref _batches);

    public long OpsSent => Interlocked.Read(ref _opsSent);

    public BatchFailure? Failure => Volatile.Read(ref _failure);

    /// <summary>An upper bound of the size of one op on the wire.</summary>
    public static int EstimateBytes(string path, int dataLength, IReadOnlyList<ZooKeeperAcl>? acl)
    {
        var size = OpOverheadBytes + 4 + (path.Length * 3) + 4 + dataLength + 4 + 4 + 4;
        if (acl is not null)
        {
            foreach (var entry in acl)
            {
                size += 4 + 4 + (entry.Scheme.Length * 3) + 4 + (entry.Id.Length * 3);
            }
        }

        return size;
    }

    /// <summary>Queues <paramref name="op"/>; sends the current batch first when it would overflow.</summary>
    public async Task AddAsync(Op op, int estimatedBytes, CancellationToken cancellationToken)
    {
        if (_ops.Count > 0 && (_ops.Count >= options.MaxBatchOps || _bytes + estimatedBytes > options.MaxBatchBytes))
        {
            await SendAsync(cancellationToken).ConfigureAwait(false);
        }

        _ops.Add(op);
        _bytes += estimatedBytes;
    }

    /// <summary>Sends what is queued and waits for every batch in flight.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_ops.Count > 0)
        {
            await SendAsync(cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_inFlight).ConfigureAwait(false);
        _inFlight.Clear();
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        if (Failure is { } failure)
        {
            throw failure.ToException();
        }

        var batch = _ops.ToArray();
        _ops.Clear();
        _bytes = 0;
        await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
        _inFlight.RemoveAll(t => t.IsCompleted);
        _inFlight.Add(RunAsync(batch, cancellationToken));
    }

    private async Task RunAsync(Op[] batch, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.MultiAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!result.Committed)
            {
                var failed = result.FirstFailure;
                Fail(new BatchFailure(failed?.Path ?? batch[0].Path, failed?.Error, $"a batch of {batch.Length} writes was refused at {failed?.Path ?? batch[0].Path}: {failed?.Error}; nothing of that batch was applied", null));
                return;
            }

            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _opsSent, batch.Length);
        }
        catch (KeeperException e)
        {
            Fail(new BatchFailure(e.Path ?? batch[0].Path, e.Code, $"a batch of {batch.Length} writes starting at {batch[0].Path} failed: {e.Code} ({e.Message}); a multi is atomic, so it was applied entirely or not at all", e));
        }
        finally
        {
            _window.Release();
        }
    }

    private void Fail(BatchFailure failure) => Interlocked.CompareExchange(ref _failure, failure, null);
}

/// <summary>The first batch that failed.</summary>
internal sealed record BatchFailure(string Path, KeeperErrorCode? Code, string Message, Exception? Inner)
{
    public CopyException ToException() => new($"target: {Message}", Path, Code, Inner);
}
