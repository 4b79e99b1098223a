namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>Bounded waits for conditions, for a loaded machine: poll, never sleep a fixed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {what}");
            }

            await Task.Delay(20);
        }
    }

    public static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan timeout, string what)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {what}");
        }
    }
}

/// <summary>Collects watch events; lets a test await the n-th one.</summary>
internal sealed class WatchRecorder
{
    private readonly List<WatchedEvent> _events = [];
    private readonly Lock _gate = new();

    public void Record(WatchedEvent e)
    {
        lock (_gate)
        {
            _events.Add(e);
        }
    }

    public IReadOnlyList<WatchedEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public async Task<WatchedEvent> NextAsync(int count = 1, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() => Events.Count >= count, timeout ?? TimeSpan.FromSeconds(30), $"{count} watch event(s)");
        return Events[count - 1];
    }
}

/// <summary>
/// Retries a call that failed with a transient error (ConnectionLoss while an election follows a kill),
/// as any ZooKeeper application must; bounded.
/// </summary>
internal static class Transient
{
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return await call();
            }
            catch (KeeperException e) when (e.IsTransient && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public static Task RetryAsync(Func<Task> call, TimeSpan? timeout = null) =>
        RetryAsync(async () =>
        {
            await call();
            return true;
        }, timeout);
}
