using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>
/// Four-letter words with typed results. A refusal ("not currently serving", "not in the whitelist") and an unparsable
/// reply become a <see cref="FourLetterWordException"/> whose <see cref="FourLetterWordException.Failure"/> says which.
/// Each query has an overload with <see cref="ZooKeeperTlsOptions"/> for a server's TLS client port
/// (<c>secureClientPort</c>, answered by ZooKeeper's <c>NettyServerCnxn</c>); see <see cref="FourLetterWordClient"/>.
/// </summary>
public static class FourLetterWordQueries
{
    /// <summary><c>ruok</c>: true when the server answers <c>imok</c> (it runs, though it may not be serving).</summary>
    public static Task<bool> RuokAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RuokAsync(host, port, tls: null, timeout, cancellationToken);

    /// <summary>
    /// <c>ruok</c> on <paramref name="host"/>:<paramref name="port"/>, over TLS when <paramref name="tls"/> is given:
    /// true when the server answers <c>imok</c> (it runs, though it may not be serving).
    /// </summary>
    /// <param name="host">Name or address of the server.</param>
    /// <param name="port">Its <c>secureClientPort</c> with <paramref name="tls"/>, its <c>clientPort</c> without.</param>
    /// <param name="tls">TLS as a session's <see cref="ZooKeeperClientOptions.Tls"/>, or null: plain TCP.</param>
    /// <param name="timeout">Bound on connect, TLS handshake and reply (default 5 s).</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <exception cref="FourLetterWordException">Unreachable, timeout, TLS refused, or not whitelisted.</exception>
    /// <exception cref="FileNotFoundException">A file of <paramref name="tls"/> does not exist.</exception>
    /// <exception cref="InvalidDataException">A file of <paramref name="tls"/> is unusable.</exception>
    public static async Task<bool> RuokAsync(string host, int port, ZooKeeperTlsOptions? tls, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await FourLetterWordClient.SendAsync(host, port, "ruok", tls, timeout, cancellationToken).ConfigureAwait(false);
        FourLetterWordReply.ThrowIfRefused(host, port, "ruok", reply);
        return reply.Trim() == "imok";
    }

    public static Task<SrvrResult> SrvrAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SrvrAsync(host, port, tls: null, timeout, cancellationToken);

    /// <summary><c>srvr</c>: mode, zxid, latencies, connections. Parameters and errors as <see cref="RuokAsync(string, int, ZooKeeperTlsOptions?, TimeSpan?, CancellationToken)"/>, plus a reply that does not parse (<see cref="FourLetterWordFailure.Malformed"/>).</summary>
    public static Task<SrvrResult> SrvrAsync(string host, int port, ZooKeeperTlsOptions? tls, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        QueryAsync(host, port, "srvr", SrvrResult.Parse, tls, timeout, cancellationToken);

    public static Task<MntrResult> MntrAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        MntrAsync(host, port, tls: null, timeout, cancellationToken);

    /// <summary><c>mntr</c>: the server's metrics. Parameters and errors as <see cref="SrvrAsync(string, int, ZooKeeperTlsOptions?, TimeSpan?, CancellationToken)"/>.</summary>
    public static Task<MntrResult> MntrAsync(string host, int port, ZooKeeperTlsOptions? tls, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        QueryAsync(host, port, "mntr", MntrResult.Parse, tls, timeout, cancellationToken);

    public static Task<ConsResult> ConsAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ConsAsync(host, port, tls: null, timeout, cancellationToken);

    /// <summary><c>cons</c>: the server's client connections. Parameters and errors as <see cref="SrvrAsync(string, int, ZooKeeperTlsOptions?, TimeSpan?, CancellationToken)"/>.</summary>
    public static Task<ConsResult> ConsAsync(string host, int port, ZooKeeperTlsOptions? tls, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        QueryAsync(host, port, "cons", ConsResult.Parse, tls, timeout, cancellationToken);

    public static Task<ConfResult> ConfAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ConfAsync(host, port, tls: null, timeout, cancellationToken);

    /// <summary><c>conf</c>: the server's configuration. Parameters and errors as <see cref="SrvrAsync(string, int, ZooKeeperTlsOptions?, TimeSpan?, CancellationToken)"/>.</summary>
    public static Task<ConfResult> ConfAsync(string host, int port, ZooKeeperTlsOptions? tls, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        QueryAsync(host, port, "conf", ConfResult.Parse, tls, timeout, cancellationToken);

    private static async Task<T> QueryAsync<T>(string host, int port, string command, Func<string, T> parse, ZooKeeperTlsOptions? tls, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var reply = await FourLetterWordClient.SendAsync(host, port, command, tls, timeout, cancellationToken).ConfigureAwait(false);
        FourLetterWordReply.ThrowIfRefused(host, port, command, reply);
        try
        {
            return parse(reply);
        }
        catch (FormatException e)
        {
            throw new FourLetterWordException(host, port, command, FourLetterWordFailure.Malformed, e.Message, e);
        }
    }
}
