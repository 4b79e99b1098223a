using System.Globalization;
using System.Text;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.FourLetterWords;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Coordinator.Copy;

/// <summary>Opens the sessions a copy, diff or smoketest uses, with errors that say which side failed.</summary>
internal static class SessionFactory
{
    /// <summary>
    /// Replies bigger than ZooKeeper's jute.maxbuffer are expected: one znode is bounded by it, but a multiRead
    /// reply carries many. Requests stay bounded by the server's frame limit.
    /// </summary>
    public const int ReadFrameBytes = 64 * 1024 * 1024;

    /// <param name="side">"source" or "target", for messages.</param>
    /// <param name="hosts">The connect string.</param>
    /// <param name="auth"><c>scheme:auth</c> to add, or null.</param>
    /// <param name="security">TLS and SASL for this side, or null.</param>
    /// <param name="maxFrameBytes">The server's jute.maxbuffer: requests above it are refused before they are sent.</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    public static async Task<ZooKeeperClient> ConnectAsync(string side, string hosts, string? auth, ZooKeeperSecurity? security, int maxFrameBytes, CancellationToken cancellationToken)
    {
        ZooKeeperClient client;
        try
        {
            var options = new ZooKeeperClientOptions
            {
                RequestTimeout = TimeSpan.FromSeconds(30),
                MaxFrameBytes = maxFrameBytes,
                MaxReplyFrameBytes = Math.Max(ReadFrameBytes, maxFrameBytes),
                Tls = security?.Tls,
                Sasl = security?.Sasl,
            };
            client = await ZooKeeperClient.ConnectAsync(hosts, options, cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e)
        {
            throw new CopyException($"{side}: cannot connect to {hosts}: {e.Code} ({e.Message})", null, e.Code, e);
        }
        catch (ZooKeeperTlsException e)
        {
            throw new CopyException($"{side}: cannot connect to {hosts}: {e.Message}", null, KeeperErrorCode.ConnectionLoss, e);
        }

        if (auth is not null)
        {
            var colon = auth.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw new ArgumentException($"{side} credentials must be scheme:auth (e.g. digest:user:password)");
            }

            try
            {
                await client.AddAuthAsync(auth[..colon], Encoding.UTF8.GetBytes(auth[(colon + 1)..]), cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e)
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw new CopyException($"{side}: authentication with scheme '{auth[..colon]}' failed: {e.Code}", null, e.Code, e);
            }
        }

        return client;
    }

    /// <summary>
    /// The highest zxid any of <paramref name="hosts"/> reports through <c>srvr</c>; null when none answers. With
    /// <paramref name="tls"/> (the side's TLS: its hosts are secure client ports) the words go over TLS.
    /// </summary>
    public static async Task<long?> ReadZxidAsync(string hosts, ZooKeeperTlsOptions? tls, CancellationToken cancellationToken)
    {
        long? highest = null;
        foreach (var host in ConnectionString.Parse(hosts).Hosts)
        {
            try
            {
                var reply = await FourLetterWordClient.SendAsync(host.Host, host.Port, "srvr", tls, TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
                var line = reply.Split('\n').FirstOrDefault(l => l.StartsWith("Zxid:", StringComparison.Ordinal));
                if (line is not null && long.TryParse(line["Zxid:".Length..].Trim().Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var zxid))
                {
                    highest = Math.Max(highest ?? long.MinValue, zxid);
                }
            }
            catch (FourLetterWordException)
            {
                // srvr refused or not whitelisted: the caller falls back to a less exact answer.
            }
        }

        return highest;
    }
}
