namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>
/// Four-letter words with typed results. A refusal ("not currently serving", "not in the whitelist") and an unparsable
/// reply become a <see cref="FourLetterWordException"/> whose <see cref="FourLetterWordException.Failure"/> says which.
/// </summary>
public static class FourLetterWordQueries
{
    /// <summary><c>ruok</c>: true when the server answers <c>imok</c> (it runs, though it may not be serving).</summary>
    public static async Task<bool> RuokAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await FourLetterWordClient.SendAsync(host, port, "ruok", timeout, cancellationToken).ConfigureAwait(false);
        FourLetterWordReply.ThrowIfRefused(host, port, "ruok", reply);
        return reply.Trim() == "imok";
    }

    public static Task<SrvrResult> SrvrAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        QueryAsync(host, port, "srvr", SrvrResult.Parse, timeout, cancellationToken);

    public static Task<MntrResult> MntrAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        QueryAsync(host, port, "mntr", MntrResult.Parse, timeout, cancellationToken);

    public static Task<ConsResult> ConsAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        QueryAsync(host, port, "cons", ConsResult.Parse, timeout, cancellationToken);

    public static Task<ConfResult> ConfAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        QueryAsync(host, port, "conf", ConfResult.Parse, timeout, cancellationToken);

    private static async Task<T> QueryAsync<T>(string host, int port, string command, Func<string, T> parse, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var reply = await FourLetterWordClient.SendAsync(host, port, command, timeout, cancellationToken).ConfigureAwait(false);
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
