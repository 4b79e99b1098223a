using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Stress;

/// <summary>Looks up every acknowledged write of a stress run, many lookups in flight at once.</summary>
internal static class StressVerifier
{
    private const int InFlight = 1000;
    private const int MissingPathsKept = 100;

    public static async Task<StressVerification> VerifyAsync(string connectString, StressResult result, CancellationToken cancellationToken, ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? security = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectString);
        ArgumentNullException.ThrowIfNull(result);
        var connect = ConnectionString.Parse(connectString);
        await using var client = await ZooKeeperClient.ConnectAsync((connect with { Chroot = connect.Chroot ?? result.Chroot }).ToString(), new ZooKeeperClientOptions { Tls = security?.Tls, Sasl = security?.Sasl }, cancellationToken).ConfigureAwait(false);
        var missingPaths = new List<string>();
        var sessions = new List<StressSessionVerification>();
        long checkedWrites = 0;
        long missingTotal = 0;
        foreach (var session in result.Sessions)
        {
            // Read from the leader's latest state, not a lagging follower's.
            await client.SyncAsync(session.WritesPath, cancellationToken).ConfigureAwait(false);
            long missing = 0;
            for (var from = 1L; from <= session.LastAcknowledgedSerial; from += InFlight)
            {
                var to = Math.Min(session.LastAcknowledgedSerial, from + InFlight - 1);
                var serials = Enumerable.Range(0, (int)(to - from + 1)).Select(i => from + i).ToList();
                var stats = await Task.WhenAll(serials.Select(s => client.ExistsAsync(session.WritePath(s), cancellationToken: cancellationToken))).ConfigureAwait(false);
                for (var i = 0; i < stats.Length; i++)
                {
                    if (stats[i] is null)
                    {
                        missing++;
                        if (missingPaths.Count < MissingPathsKept)
                        {
                            missingPaths.Add(session.WritePath(serials[i]));
                        }
                    }
                }
            }

            checkedWrites += session.LastAcknowledgedSerial;
            missingTotal += missing;
            sessions.Add(new StressSessionVerification(session.Index, session.LastAcknowledgedSerial, missing, session.Expiries, session.LongestGapMs));
        }

        return new StressVerification
        {
            ConnectString = connectString,
            CheckedWrites = checkedWrites,
            MissingWrites = missingTotal,
            MissingPaths = missingPaths,
            Expiries = result.Expiries,
            LongestGapMs = result.LongestGapMs,
            Sessions = sessions,
        };
    }
}
