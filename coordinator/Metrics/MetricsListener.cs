using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Prometheus;

namespace ZkMitosis.Coordinator.Metrics;

/// <summary>
/// Serves a registry as Prometheus text (exposition format 0.0.4) at <c>GET /metrics</c> on exactly one address, plain
/// HTTP/1.1, one request per connection. Not HttpListener: it matches requests by their Host header against the prefix,
/// so a scrape that names the coordinator's host while it listens on an address would get 400. Each request is bounded
/// in size and time; at most <see cref="MaxConnections"/> are served at once, more are closed unanswered.
/// </summary>
public sealed class MetricsListener : IAsyncDisposable
{
    /// <summary>How long a client may take to send its request and read the answer.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public const int MaxConnections = 8;

    private const int MaxRequestBytes = 16 * 1024;

    private readonly Socket _socket;
    private readonly CollectorRegistry _registry;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, bool> _serving = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private Task _loop = Task.CompletedTask;

    private MetricsListener(Socket socket, CollectorRegistry registry)
    {
        _socket = socket;
        _registry = registry;
    }

    /// <summary>The address and port listened on (the port the system chose when 0 was asked, as tests do).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Binds <paramref name="endpoint"/> and starts serving <paramref name="registry"/>.</summary>
    /// <exception cref="MetricsListenException">the address cannot be bound: in use, not this host's, or not permitted.</exception>
    public static MetricsListener Start(IPEndPoint endpoint, CollectorRegistry registry)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(MaxConnections);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new MetricsListenException($"cannot serve metrics on {Format(endpoint)}: {e.Message}", e);
        }

        var listener = new MetricsListener(socket, registry);
        listener._loop = Task.Run(listener.AcceptAsync);
        return listener;
    }

    /// <summary><c>127.0.0.1:9464</c> or <c>[::1]:9464</c>.</summary>
    public static string Format(IPEndPoint endpoint) =>
        endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]:{endpoint.Port}" : $"{endpoint.Address}:{endpoint.Port}";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (!_slots.Wait(0))
            {
                client.Dispose();
                continue;
            }

            var task = ServeAsync(client);
            _serving[task] = true;
            _ = task.ContinueWith(t => _serving.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(RequestTimeout);
            await using var stream = new NetworkStream(client, ownsSocket: true);
            var request = await ReadRequestAsync(stream, timeout.Token).ConfigureAwait(false);
            await AnswerAsync(stream, request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or took too long: nothing to answer.
        }
        finally
        {
            client.Dispose();
            _slots.Release();
        }
    }

    /// <summary>The request line's method and path, or null when the request is malformed or too long.</summary>
    private static async Task<(string Method, string Path)?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal) || text.Contains("\n\n", StringComparison.Ordinal))
            {
                var parts = text[..text.IndexOf('\n', StringComparison.Ordinal)].TrimEnd('\r').Split(' ');
                if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
                {
                    return null;
                }

                var query = parts[1].IndexOf('?', StringComparison.Ordinal);
                return (parts[0], query >= 0 ? parts[1][..query] : parts[1]);
            }
        }

        return null;
    }

    private async Task AnswerAsync(NetworkStream stream, (string Method, string Path)? request, CancellationToken cancellationToken)
    {
        if (request is not { } r)
        {
            await WriteAsync(stream, "400 Bad Request", "text/plain; charset=utf-8", "bad request\n"u8.ToArray(), true, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (r.Method is not ("GET" or "HEAD"))
        {
            await WriteAsync(stream, "405 Method Not Allowed", "text/plain; charset=utf-8", "only GET and HEAD\n"u8.ToArray(), true, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (r.Path != "/metrics")
        {
            await WriteAsync(stream, "404 Not Found", "text/plain; charset=utf-8", "metrics are at /metrics\n"u8.ToArray(), r.Method == "GET", cancellationToken).ConfigureAwait(false);
            return;
        }

        using var body = new MemoryStream();
        try
        {
            await _registry.CollectAndExportAsTextAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // A scrape must not take the coordinator down: the scraper sees the failure (and up == 0 after its timeout).
            await WriteAsync(stream, "500 Internal Server Error", "text/plain; charset=utf-8", Encoding.UTF8.GetBytes($"collecting the metrics failed: {e.Message}\n"), r.Method == "GET", cancellationToken).ConfigureAwait(false);
            return;
        }

        await WriteAsync(stream, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body.ToArray(), r.Method == "GET", cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(NetworkStream stream, string status, string contentType, byte[] body, bool withBody, CancellationToken cancellationToken)
    {
        var head = $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        if (withBody)
        {
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting, waits for the requests being answered (each bounded by <see cref="RequestTimeout"/>), closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
        await Task.WhenAll(_serving.Keys).ConfigureAwait(false);
        _stop.Dispose();
        _slots.Dispose();
    }
}

/// <summary>The metrics address cannot be listened on; nothing was started.</summary>
public sealed class MetricsListenException(string message, Exception inner) : IOException(message, inner);
