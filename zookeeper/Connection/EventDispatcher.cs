using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>
/// Calls watchers and state-change handlers one at a time, in the order the events happened, on a task of its
/// own: never on the read loop (a slow handler cannot stall replies) and never under a lock.
/// </summary>
internal sealed class EventDispatcher
{
    private readonly Channel<Action> _queue = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly ILogger _logger;
    private readonly Task _loop;

    public EventDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Post(Action work) => _queue.Writer.TryWrite(work);

    /// <summary>Stops taking events and waits (bounded) until those already queued were delivered.</summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        _queue.Writer.TryComplete();
        await Task.WhenAny(_loop, Task.Delay(timeout)).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (var work in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                // A caller's handler failed; the next events must still be delivered.
                ZooKeeperClientLog.HandlerFailed(_logger, e);
            }
        }
    }
}
