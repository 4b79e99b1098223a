using System.Net.Sockets;
using System.Text;

namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>
/// Sends one four-letter word (<c>srvr</c>, <c>mntr</c>, <c>cons</c>, …) to a ZooKeeper client port and
/// returns the raw reply. The server answers and closes the connection, so the reply is everything
/// read until end of stream. Typed results: <see cref="FourLetterWordQueries"/>.
/// </summary>
public static class FourLetterWordClient
{
    /// <summary>Replies larger than this are refused: a four-letter reply is a few kilobytes even for <c>cons</c> on a busy server.</summary>
    public const int MaxReplyBytes = 16 * 1024 * 1024;

    /// <summary>Default bound on connect plus reply.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends <paramref name="command"/> to <paramref name="host"/>:<paramref name="port"/> and reads the whole reply.
    /// </summary>
    /// <exception cref="FourLetterWordException">connection refused, timeout, or reply too large.</exception>
    public static async Task<string> SendAsync(string host, int port, string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (command is null || command.Length != 4 || !command.All(char.IsAsciiLetterLower))
        {
            throw new ArgumentException($"'{command}' is not a four-letter word (four lower-case ASCII letters).", nameof(command));
        }

        var limit = timeout ?? DefaultTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(limit);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, timeoutSource.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes(command), SocketFlags.None, timeoutSource.Token).ConfigureAwait(false);
            var reply = new MemoryStream();
            var buffer = new byte[8192];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeoutSource.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (reply.Length + read > MaxReplyBytes)
                {
                    throw new FourLetterWordException(host, port, command, FourLetterWordFailure.Malformed, $"reply exceeds {MaxReplyBytes} bytes");
                }

                reply.Write(buffer, 0, read);
            }

            return Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FourLetterWordException(host, port, command, FourLetterWordFailure.Timeout, $"no complete reply within {limit.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            throw new FourLetterWordException(host, port, command, FourLetterWordFailure.Unreachable, e.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : e.Message, e);
        }
    }
}
