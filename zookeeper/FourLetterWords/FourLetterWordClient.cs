using System.Net.Sockets;
using System.Text;
using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>
/// Sends one four-letter word (<c>srvr</c>, <c>mntr</c>, <c>cons</c>, …) to a ZooKeeper client port and
/// returns the raw reply. The server answers and closes the connection, so the reply is everything
/// read until end of stream. Typed results: <see cref="FourLetterWordQueries"/>.
/// </summary>
/// <remarks>
/// A server's TLS client port (<c>secureClientPort</c>) answers four-letter words too, over TLS: ZooKeeper's
/// <c>NettyServerCnxn.receiveMessage</c> checks the first four bytes after the handshake with
/// <c>checkFourLetterWord</c>, as <c>NIOServerCnxn</c> does on the plain port. Pass <see cref="ZooKeeperTlsOptions"/>
/// to speak to that port; the handshake is the client sessions' own (same CA, client certificate and hostname checks).
/// </remarks>
public static class FourLetterWordClient
{
    /// <summary>Replies larger than this are refused: a four-letter reply is a few kilobytes even for <c>cons</c> on a busy server.</summary>
    public const int MaxReplyBytes = 16 * 1024 * 1024;

    /// <summary>Default bound on connect, TLS handshake and reply.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends <paramref name="command"/> to <paramref name="host"/>:<paramref name="port"/> over plain TCP (the
    /// server's <c>clientPort</c>) and reads the whole reply.
    /// </summary>
    /// <param name="host">Name or address of the server (an IPv6 address without brackets).</param>
    /// <param name="port">Its plain client port.</param>
    /// <param name="command">Four lower-case ASCII letters.</param>
    /// <param name="timeout">Bound on connect plus reply (default <see cref="DefaultTimeout"/>, 5 s).</param>
    /// <param name="cancellationToken">Stops the request; it then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The reply, decoded as UTF-8.</returns>
    /// <exception cref="ArgumentException"><paramref name="command"/> is not a four-letter word.</exception>
    /// <exception cref="FourLetterWordException">connection refused, timeout, or reply too large.</exception>
    public static Task<string> SendAsync(string host, int port, string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendAsync(host, port, command, tls: null, timeout, cancellationToken);

    /// <summary>
    /// Sends <paramref name="command"/> to <paramref name="host"/>:<paramref name="port"/> and reads the whole reply:
    /// over TLS when <paramref name="tls"/> is given (the server's <c>secureClientPort</c>), else over plain TCP.
    /// </summary>
    /// <param name="host">Name or address of the server (an IPv6 address without brackets); with hostname
    /// verification on, the server's certificate must name it.</param>
    /// <param name="port">The server's <c>secureClientPort</c> with <paramref name="tls"/>, its <c>clientPort</c> without.</param>
    /// <param name="command">Four lower-case ASCII letters.</param>
    /// <param name="tls">TLS files and hostname verification, exactly as a session's <see cref="ZooKeeperClientOptions.Tls"/>;
    /// the files are read at each call. Null: plain TCP.</param>
    /// <param name="timeout">Bound on connect, TLS handshake and reply together (default <see cref="DefaultTimeout"/>, 5 s).</param>
    /// <param name="cancellationToken">Stops the request; it then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The reply, decoded as UTF-8.</returns>
    /// <exception cref="ArgumentException"><paramref name="command"/> is not a four-letter word.</exception>
    /// <exception cref="FileNotFoundException">A file of <paramref name="tls"/> does not exist.</exception>
    /// <exception cref="InvalidDataException">A file of <paramref name="tls"/> holds no usable certificate or key (the message names it).</exception>
    /// <exception cref="FourLetterWordException">Connection refused, timeout, reply too large, or the TLS handshake
    /// refused (<see cref="FourLetterWordFailure.Tls"/>: untrusted or expired certificate, hostname mismatch, no TLS on
    /// the port; the inner <see cref="ZooKeeperTlsException"/> says which). The message is one line.</exception>
    public static async Task<string> SendAsync(string host, int port, string command, ZooKeeperTlsOptions? tls, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (command is null || command.Length != 4 || !command.All(char.IsAsciiLetterLower))
        {
            throw new ArgumentException($"'{command}' is not a four-letter word (four lower-case ASCII letters).", nameof(command));
        }

        // Files first: a missing or unusable one is the caller's configuration, not the server's answer.
        var context = tls is null ? null : TlsClientContext.Load(tls, TimeProvider.System);
        var limit = timeout ?? DefaultTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(limit);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(host, port, timeoutSource.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (context is not null)
            {
                stream = await context.AuthenticateAsync(stream, new HostEndpoint(host, port), timeoutSource.Token).ConfigureAwait(false);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(command), timeoutSource.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeoutSource.Token).ConfigureAwait(false);
            var reply = new MemoryStream();
            var buffer = new byte[8192];
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeoutSource.Token).ConfigureAwait(false);
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
            // A plain request to a TLS port is never answered: the server waits for a TLS record.
            var hint = tls is null ? " (if this is a secureClientPort, it answers over TLS only)" : "";
            throw new FourLetterWordException(host, port, command, FourLetterWordFailure.Timeout, $"no complete reply within {limit.TotalMilliseconds:0} ms{hint}");
        }
        catch (ZooKeeperTlsException e)
        {
            throw new FourLetterWordException(host, port, command, FourLetterWordFailure.Tls, TlsProblem(e), e);
        }
        catch (SocketException e)
        {
            throw Unreachable(host, port, command, e);
        }
        catch (IOException e) when (e.InnerException is SocketException socketError)
        {
            throw Unreachable(host, port, command, socketError);
        }
        catch (IOException e) when (TlsClientContext.RefusalAfterHandshake(stream, e, new HostEndpoint(host, port).ToString()) is { } refusal)
        {
            throw new FourLetterWordException(host, port, command, FourLetterWordFailure.Tls, TlsProblem(refusal), refusal);
        }
        catch (IOException e)
        {
            // A TLS stream broken after the handshake (the server reset it, or a bad record).
            throw new FourLetterWordException(host, port, command, FourLetterWordFailure.Unreachable, OneLine(e.Message), e);
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static FourLetterWordException Unreachable(string host, int port, string command, SocketException e) =>
        new(host, port, command, FourLetterWordFailure.Unreachable, e.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : OneLine(e.Message), e);

    /// <summary>"TLS failed: the cause", without the "TLS to host:port" the exception's own prefix repeats.</summary>
    private static string TlsProblem(ZooKeeperTlsException e)
    {
        var prefix = $"TLS to {e.Server} failed: ";
        var detail = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
        return $"TLS failed: {OneLine(detail)}";
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
