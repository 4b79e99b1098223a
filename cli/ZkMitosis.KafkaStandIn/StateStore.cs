namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// The process's <see cref="StandInState"/>, changed from several loops and written to its file when it
/// changed (at most every 100 ms, and at once on <see cref="Flush"/>), so readers see fresh state cheaply.
/// </summary>
internal sealed class StateStore
{
    private readonly string _path;
    private readonly Lock _gate = new();

    // One writer at a time: the flush loop and a registration both flush, and two saves through the one .tmp file
    // raced (one moved it away under the other: FileNotFoundException, the stand-in aborted at start in CI).
    private readonly Lock _writeGate = new();
    private StandInState _state;
    private bool _dirty = true;

    public StateStore(string path, StandInState initial)
    {
        _path = path;
        _state = initial;
    }

    public StandInState Current
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public void Update(Func<StandInState, StandInState> change)
    {
        lock (_gate)
        {
            _state = change(_state) with { UpdatedAt = DateTimeOffset.UtcNow };
            _dirty = true;
        }
    }

    /// <summary>Writes the file now if anything changed since the last write.</summary>
    public void Flush()
    {
        lock (_writeGate)
        {
            StandInState snapshot;
            lock (_gate)
            {
                if (!_dirty)
                {
                    return;
                }

                snapshot = _state;
                _dirty = false;
            }

            snapshot.Save(_path);
        }
    }

    public async Task RunFlushLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                Flush();
            }
            catch (IOException)
            {
                // A full or vanished disk must not stop the broker; the next flush tries again.
            }

            try
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
