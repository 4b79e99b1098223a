using System.Diagnostics;
using System.Globalization;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Smoketest;

/// <summary>
/// <c>zkmitosis smoketest</c>: a session per server; an ephemeral per session that every other session must
/// see; watches set through every server that must fire when another server's session changes the znode;
/// then latency phases per server (create, set, get, delete, ephemeral create, watch fire), one op at a time
/// and pipelined. Every failed check is a <see cref="SmoketestFailure"/>; the run always cleans up after itself.
/// </summary>
public static class SmoketestRunner
{
    public static async Task<SmoketestReport> RunAsync(SmoketestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Servers.Count == 0)
        {
            throw new ArgumentException("smoketest: no servers given");
        }

        var run = new SmoketestRun(options, cancellationToken);
        return await run.ExecuteAsync().ConfigureAwait(false);
    }
}

internal sealed class SmoketestRun(SmoketestOptions options, CancellationToken cancellationToken)
{
    private readonly List<SmoketestFailure> _failures = [];
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly byte[] _data = [.. Enumerable.Repeat((byte)'z', options.ZnodeSize)];

    public async Task<SmoketestReport> ExecuteAsync()
    {
        var clients = await Task.WhenAll(options.Servers.Select(ConnectAsync)).ConfigureAwait(false);
        var phases = options.Servers.Select(_ => new List<PhaseResult>()).ToArray();
        var runPath = string.Create(CultureInfo.InvariantCulture, $"{options.BasePath}/run-{_startedAt:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}");
        var live = Enumerable.Range(0, clients.Length).Where(i => clients[i] is not null).ToList();
        try
        {
            if (live.Count > 0 && await CheckAsync(options.Servers[live[0]], "create the run's znode", () => CreateWithParentsAsync(clients[live[0]]!, runPath)).ConfigureAwait(false))
            {
                await CheckEphemeralsAsync(clients, live, runPath).ConfigureAwait(false);
                await CheckWatchesAsync(clients, live, runPath).ConfigureAwait(false);
                if (options.ZnodeCount > 0)
                {
                    foreach (var i in live)
                    {
                        await MeasureAsync(clients[i]!, options.Servers[i], $"{runPath}/latency-{i}", phases[i]).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            await CleanUpAsync(clients, live, runPath).ConfigureAwait(false);
        }

        return new SmoketestReport
        {
            StartedAt = _startedAt,
            Elapsed = _clock.Elapsed,
            Servers = [.. options.Servers.Select((s, i) => new ServerReport(s, clients[i] is not null, clients[i]?.SessionId ?? 0, phases[i]))],
            Failures = [.. _failures],
        };
    }

    private async Task<ZooKeeperClient?> ConnectAsync(string server)
    {
        try
        {
            return await ZooKeeperClient.ConnectAsync(server, new ZooKeeperClientOptions
            {
                ConnectTimeout = options.Timeout,
                RequestTimeout = options.Timeout,
                SessionTimeout = TimeSpan.FromSeconds(Math.Max(4, options.Timeout.TotalSeconds)),
                Tls = options.Security?.Tls,
                Sasl = options.Security?.Sasl,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e)
        {
            Fail(server, "connect", $"{e.Code}: {e.Message}");
            return null;
        }
        catch (ZkMitosis.ZooKeeper.Security.ZooKeeperTlsException e)
        {
            Fail(server, "connect", e.Message);
            return null;
        }
    }

    private async Task CheckEphemeralsAsync(ZooKeeperClient?[] clients, List<int> live, string runPath)
    {
        var created = new List<int>();
        foreach (var i in live)
        {
            if (await CheckAsync(options.Servers[i], "create an ephemeral", () => clients[i]!.CreateAsync($"{runPath}/ephemeral-{i}", _data, CreateMode.Ephemeral, cancellationToken: cancellationToken)).ConfigureAwait(false))
            {
                created.Add(i);
            }
        }

        foreach (var reader in live)
        {
            var client = clients[reader]!;
            await CheckAsync(options.Servers[reader], "sync", () => client.SyncAsync(runPath, cancellationToken)).ConfigureAwait(false);
            foreach (var owner in created)
            {
                var path = $"{runPath}/ephemeral-{owner}";
                await CheckAsync(options.Servers[reader], $"see the ephemeral created through {options.Servers[owner]}", async () =>
                {
                    var stat = await client.ExistsAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (stat is null || stat.EphemeralOwner != clients[owner]!.SessionId)
                    {
                        throw new SmoketestCheckException($"{path} is {(stat is null ? "missing" : "owned by another session")}");
                    }
                }).ConfigureAwait(false);
            }
        }
    }

    private async Task CheckWatchesAsync(ZooKeeperClient?[] clients, List<int> live, string runPath)
    {
        var path = $"{runPath}/watched";
        var writerIndex = live[0];
        var lastIndex = live[^1];

        // Exists watches fire on creation; data watches on a change made through another server.
        var created = await SetWatchesAsync(clients, live, async i =>
        {
            var watcher = Watcher(out var fired);
            await clients[i]!.ExistsAsync(path, watcher, cancellationToken).ConfigureAwait(false);
            return fired;
        }).ConfigureAwait(false);
        if (await CheckAsync(options.Servers[writerIndex], "create the watched znode", () => clients[writerIndex]!.CreateAsync(path, _data, cancellationToken: cancellationToken)).ConfigureAwait(false))
        {
            await ExpectEventsAsync(created, WatchEventType.NodeCreated, options.Servers[writerIndex]).ConfigureAwait(false);
        }

        var changed = await SetWatchesAsync(clients, live, async i =>
        {
            var watcher = Watcher(out var fired);
            await clients[i]!.GetDataAsync(path, watcher, cancellationToken).ConfigureAwait(false);
            return fired;
        }).ConfigureAwait(false);
        if (await CheckAsync(options.Servers[lastIndex], "change the watched znode", () => clients[lastIndex]!.SetDataAsync(path, _data, cancellationToken: cancellationToken)).ConfigureAwait(false))
        {
            await ExpectEventsAsync(changed, WatchEventType.NodeDataChanged, options.Servers[lastIndex]).ConfigureAwait(false);
        }
    }

    private static Action<WatchedEvent> Watcher(out Task<WatchedEvent> fired)
    {
        var source = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        fired = source.Task;
        return e => source.TrySetResult(e);
    }

    private async Task<List<(int Index, Task<WatchedEvent> Fired)>> SetWatchesAsync(ZooKeeperClient?[] clients, List<int> live, Func<int, Task<Task<WatchedEvent>>> set)
    {
        var watches = new List<(int, Task<WatchedEvent>)>();
        foreach (var i in live)
        {
            Task<WatchedEvent>? fired = null;
            if (await CheckAsync(options.Servers[i], "set a watch", async () => fired = await set(i).ConfigureAwait(false)).ConfigureAwait(false) && fired is not null)
            {
                watches.Add((i, fired));
            }
        }

        return watches;
    }

    private async Task ExpectEventsAsync(List<(int Index, Task<WatchedEvent> Fired)> watches, WatchEventType expected, string changedThrough)
    {
        foreach (var (index, fired) in watches)
        {
            await CheckAsync(options.Servers[index], $"watch fires on {expected} through {changedThrough}", async () =>
            {
                WatchedEvent e;
                try
                {
                    e = await fired.WaitAsync(options.Timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw new SmoketestCheckException($"no event within {options.Timeout.TotalSeconds:0.#} s");
                }

                if (e.Type != expected)
                {
                    throw new SmoketestCheckException($"got {e.Type} ({e.State})");
                }
            }).ConfigureAwait(false);
        }
    }

    private async Task MeasureAsync(ZooKeeperClient client, string server, string prefix, List<PhaseResult> results)
    {
        if (!await CheckAsync(server, "create the latency znode", () => client.CreateAsync(prefix, ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken)).ConfigureAwait(false))
        {
            return;
        }

        var n = options.ZnodeCount;
        var modes = new List<(string Mode, Func<string, Func<int, Task<long>>, Task<PhaseResult>> Run)>();
        if (options.Synchronous)
        {
            modes.Add(("sync", (phase, op) => LatencyRecorder.SynchronousAsync(phase, n, op)));
        }

        if (options.Pipelined)
        {
            modes.Add(("pipelined", (phase, op) => LatencyRecorder.PipelinedAsync(phase, n, options.InFlight, op)));
        }

        foreach (var (mode, run) in modes)
        {
            var dir = $"{prefix}/{mode}";
            var ok = await CheckAsync(server, $"latency ({mode})", async () =>
            {
                await client.CreateAsync(dir, ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
                string Node(int k) => string.Create(CultureInfo.InvariantCulture, $"{dir}/n{k}");
                string Ephemeral(int k) => string.Create(CultureInfo.InvariantCulture, $"{dir}/e{k}");
                results.Add(await run("create", k => LatencyRecorder.TimeAsync(() => client.CreateAsync(Node(k), _data, cancellationToken: cancellationToken))).ConfigureAwait(false));
                results.Add(await run("set", k => LatencyRecorder.TimeAsync(() => client.SetDataAsync(Node(k), _data, cancellationToken: cancellationToken))).ConfigureAwait(false));
                results.Add(await run("get", k => LatencyRecorder.TimeAsync(() => client.GetDataAsync(Node(k), cancellationToken: cancellationToken))).ConfigureAwait(false));
                results.Add(await run("watch fire", k => WatchFireAsync(client, Node(k))).ConfigureAwait(false));
                results.Add(await run("delete", k => LatencyRecorder.TimeAsync(() => client.DeleteAsync(Node(k), cancellationToken: cancellationToken))).ConfigureAwait(false));
                results.Add(await run("ephemeral create", k => LatencyRecorder.TimeAsync(() => client.CreateAsync(Ephemeral(k), _data, CreateMode.Ephemeral, cancellationToken: cancellationToken))).ConfigureAwait(false));
                await LatencyRecorder.PipelinedAsync("cleanup", n, options.InFlight, k => LatencyRecorder.TimeAsync(() => client.DeleteAsync(Ephemeral(k), cancellationToken: cancellationToken))).ConfigureAwait(false);
            }).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }
        }
    }

    /// <summary>Sets a data watch, changes the znode, and times from the change's send to the event.</summary>
    private async Task<long> WatchFireAsync(ZooKeeperClient client, string path)
    {
        var fired = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.ExistsAsync(path, _ => fired.TrySetResult(Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        await client.SetDataAsync(path, _data, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            return await fired.Task.WaitAsync(options.Timeout, cancellationToken).ConfigureAwait(false) - start;
        }
        catch (TimeoutException)
        {
            throw new SmoketestCheckException($"the watch on {path} did not fire within {options.Timeout.TotalSeconds:0.#} s");
        }
    }

    private async Task CleanUpAsync(ZooKeeperClient?[] clients, List<int> live, string runPath)
    {
        // Closing the other sessions removes their ephemerals; the first session then removes the rest.
        foreach (var i in live.Skip(1))
        {
            await CloseAsync(clients[i]!).ConfigureAwait(false);
        }

        if (live.Count > 0)
        {
            var client = clients[live[0]]!;
            try
            {
                using var bound = new CancellationTokenSource(options.Timeout * 3);
                await DeleteTreeAsync(client, runPath, bound.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KeeperException or OperationCanceledException)
            {
                Fail(options.Servers[live[0]], "clean up", $"{runPath} may be left behind: {e.Message}");
            }

            await CloseAsync(client).ConfigureAwait(false);
        }
    }

    private static async Task CloseAsync(ZooKeeperClient client)
    {
        try
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
        catch (KeeperException)
        {
            // The server is gone: the session will expire on its own.
        }
    }

    private static async Task DeleteTreeAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> children;
        try
        {
            children = (await client.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return;
        }

        await Task.WhenAll(children.Select(c => DeleteTreeAsync(client, $"{path}/{c}", cancellationToken))).ConfigureAwait(false);
        try
        {
            await client.DeleteAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            // Already gone (an ephemeral whose session closed).
        }
    }

    private async Task CreateWithParentsAsync(ZooKeeperClient client, string path)
    {
        for (var slash = path.IndexOf('/', 1); ; slash = path.IndexOf('/', slash + 1))
        {
            var prefix = slash < 0 ? path : path[..slash];
            try
            {
                await client.CreateAsync(prefix, ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
            {
                // Left by an earlier run, or the base path.
            }

            if (slash < 0)
            {
                return;
            }
        }
    }

    /// <summary>Runs one check; a failure is recorded (with the time and server) instead of thrown.</summary>
    private async Task<bool> CheckAsync(string server, string check, Func<Task> body)
    {
        try
        {
            await body().ConfigureAwait(false);
            return true;
        }
        catch (KeeperException e)
        {
            Fail(server, check, $"{e.Code}{(e.Path is null ? string.Empty : $" at {e.Path}")}: {e.Message}");
        }
        catch (SmoketestCheckException e)
        {
            Fail(server, check, e.Message);
        }
        catch (TimeoutException e)
        {
            Fail(server, check, e.Message);
        }

        return false;
    }

    private void Fail(string server, string check, string message)
    {
        lock (_failures)
        {
            _failures.Add(new SmoketestFailure(DateTimeOffset.UtcNow, server, check, message));
        }
    }
}

/// <summary>A smoketest check saw something wrong (not a ZooKeeper error).</summary>
internal sealed class SmoketestCheckException(string message) : Exception(message);
