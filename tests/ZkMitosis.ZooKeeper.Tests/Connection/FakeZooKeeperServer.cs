using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ZkMitosis.ZooKeeper.Tests.Connection;

/// <summary>
/// A TCP server on 127.0.0.1:0 that speaks just enough ZooKeeper to misbehave on purpose (truncated frames,
/// lying lengths, wrong xids, silence, garbage). Each accepted connection runs <c>script</c>.
/// </summary>
internal sealed class FakeZooKeeperServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<FakeConnection, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;

    public FakeZooKeeperServer(Func<FakeConnection, Task> script)
    {
        _script = script;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public string ConnectString => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Accepted { get; private set; }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await Task.WhenAny(Task.WhenAll([_acceptLoop, .. _connections]), Task.Delay(5000));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Accepted++;
                _connections.Add(RunAsync(new FakeConnection(socket, _stop.Token)));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task RunAsync(FakeConnection connection)
    {
        try
        {
            await _script(connection);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The client went away or the test ended.
        }
        finally
        {
            connection.Dispose();
        }
    }
}

/// <summary>One client connection to the fake server.</summary>
internal sealed class FakeConnection(Socket socket, CancellationToken stop) : IDisposable
{
    public CancellationToken Stopping => stop;

    /// <summary>Reads one length-prefixed frame; null at end of stream.</summary>
    public async Task<byte[]?> ReadFrameAsync()
    {
        var header = new byte[4];
        if (!await ReadExactlyAsync(header))
        {
            return null;
        }

        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        return await ReadExactlyAsync(frame) ? frame : null;
    }

    /// <summary>Reads the connect request and answers with a session (timeout 10 s).</summary>
    public async Task HandshakeAsync(int timeoutMs = 10_000, long sessionId = 0x1234)
    {
        _ = await ReadFrameAsync() ?? throw new IOException("no connect request");
        var body = new byte[4 + 4 + 8 + 4 + 16 + 1];
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(4), timeoutMs);
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(8), sessionId);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(16), 16);
        body.AsSpan(20, 16).Fill(7);
        await SendFrameAsync(body);
    }

    /// <summary>Reads one request; returns its xid and op code.</summary>
    public async Task<(int Xid, int OpCode)> ReadRequestAsync()
    {
        while (true)
        {
            var frame = await ReadFrameAsync() ?? throw new IOException("client closed");
            var xid = BinaryPrimitives.ReadInt32BigEndian(frame);
            var op = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
            if (xid != -2)
            {
                return (xid, op);
            }
        }
    }

    /// <summary>A reply header (xid, zxid, err) followed by <paramref name="body"/>, framed.</summary>
    public Task SendReplyAsync(int xid, int error = 0, byte[]? body = null, long zxid = 1)
    {
        body ??= [];
        var frame = new byte[16 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, xid);
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(4), zxid);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(12), error);
        body.CopyTo(frame, 16);
        return SendFrameAsync(frame);
    }

    public async Task SendFrameAsync(byte[] payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        await SendRawAsync(frame);
    }

    public async Task SendRawAsync(byte[] bytes) => await socket.SendAsync(bytes, SocketFlags.None, stop);

    /// <summary>Keeps the connection open, answering nothing, until the test ends or the client leaves.</summary>
    public async Task StaySilentAsync()
    {
        var sink = new byte[4096];
        while (await socket.ReceiveAsync(sink, SocketFlags.None, stop) > 0)
        {
        }
    }

    public void Close() => socket.Close();

    public void Dispose() => socket.Dispose();

    private async Task<bool> ReadExactlyAsync(byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, stop);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}

/// <summary>Jute bits for fake replies and for checking what the client sent.</summary>
internal static class FakeJute
{
    public static byte[] GetDataReply(byte[] data)
    {
        var body = new byte[4 + data.Length + 68];
        BinaryPrimitives.WriteInt32BigEndian(body, data.Length);
        data.CopyTo(body, 4);
        return body;
    }

    public static byte[] WatcherEvent(int type, string path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path);
        var body = new byte[12 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(body, type);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(4), 3); // SyncConnected
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(8), bytes.Length);
        bytes.CopyTo(body, 12);
        return body;
    }

    /// <summary>Reads a jute ustring at <paramref name="offset"/>, advancing it.</summary>
    public static string ReadString(byte[] frame, ref int offset)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(offset));
        offset += 4;
        var text = System.Text.Encoding.UTF8.GetString(frame, offset, length);
        offset += length;
        return text;
    }

    public static List<string> ReadStrings(byte[] frame, ref int offset)
    {
        var count = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(offset));
        offset += 4;
        var list = new List<string>();
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadString(frame, ref offset));
        }

        return list;
    }
}
