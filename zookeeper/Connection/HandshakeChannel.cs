using System.Buffers.Binary;

namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>
/// The request/reply exchanges of a connection before its loops start (the connect request, SASL): one frame
/// out, one frame back, into the buffer the connection then keeps, so bytes read past a frame are not lost.
/// </summary>
internal sealed class HandshakeChannel(Stream stream, byte[] buffer, string server)
{
    /// <summary>Start of the bytes received and not yet consumed.</summary>
    public int Start { get; private set; }

    /// <summary>End of the bytes received.</summary>
    public int End { get; private set; }

    public string Server => server;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Reads one length-prefixed frame of at most <paramref name="maxLength"/> bytes and returns its body (valid
    /// until the next call). A closed connection is ConnectionLoss; a length out of range is a protocol error.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(int maxLength, string what, CancellationToken cancellationToken)
    {
        if (Start == End)
        {
            Start = End = 0;
        }

        while (true)
        {
            if (End - Start >= 4)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(Start));
                if (length < 0 || length > maxLength || length + 4 > buffer.Length)
                {
                    throw new ZooKeeperProtocolException($"{what} length {length} is out of range 0..{maxLength}", server);
                }

                if (End - Start >= 4 + length)
                {
                    var body = buffer.AsMemory(Start + 4, length);
                    Start += 4 + length;
                    return body;
                }

                if (Start + 4 + length > buffer.Length)
                {
                    Buffer.BlockCopy(buffer, Start, buffer, 0, End - Start);
                    End -= Start;
                    Start = 0;
                }
            }

            var read = await stream.ReadAsync(buffer.AsMemory(End), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new KeeperException(KeeperErrorCode.ConnectionLoss, null, $"{server} closed the connection during the handshake (waiting for the {what}, {End - Start} bytes of it received)");
            }

            End += read;
        }
    }
}
