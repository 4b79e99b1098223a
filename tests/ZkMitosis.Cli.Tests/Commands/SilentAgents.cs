using System.Net;
using System.Net.Sockets;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// Three loopback listeners (127.0.0.1, .2, .3) that accept connections and never answer: a coordinator calling
/// them waits out its agent-call deadline, so it stays inside its first step (holding its lock) for a while.
/// </summary>
internal sealed class SilentAgents : IDisposable
{
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();

    public SilentAgents()
    {
        foreach (var address in new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" })
        {
            var listener = new TcpListener(IPAddress.Parse(address), 0);
            listener.Start();
            _listeners.Add(listener);
            _ = AcceptAsync(listener);
        }
    }

    public IReadOnlyList<int> Ports => _listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        lock (_accepted)
        {
            foreach (var socket in _accepted)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(_stop.Token);
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
