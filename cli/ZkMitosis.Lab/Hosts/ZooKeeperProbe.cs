using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Lab.Hosts;

/// <summary>A ZooKeeper server's mode and last zxid from <c>srvr</c>, or why there is none.</summary>
public sealed record ZooKeeperProbeResult(string? Mode, long? Zxid, string? Problem)
{
    public bool IsServing => Mode is not null;
}

/// <summary>Asks a lab ZooKeeper server <c>srvr</c> from the root namespace (reachable over the lab's bridge).</summary>
public static class ZooKeeperProbe
{
    public static async Task<ZooKeeperProbeResult> ProbeAsync(string address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await FourLetterWordClient.SendAsync(address, port, "srvr", timeout, cancellationToken).ConfigureAwait(false);
            string? mode = null;
            long? zxid = null;
            foreach (var line in reply.Split('\n'))
            {
                if (line.StartsWith("Mode:", StringComparison.Ordinal))
                {
                    mode = line["Mode:".Length..].Trim();
                }
                else if (line.StartsWith("Zxid:", StringComparison.Ordinal))
                {
                    var text = line["Zxid:".Length..].Trim();
                    zxid = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                        ? Convert.ToInt64(text[2..], 16)
                        : long.TryParse(text, out var value) ? value : null;
                }
            }

            return mode is null ? new ZooKeeperProbeResult(null, null, reply.Trim()) : new ZooKeeperProbeResult(mode, zxid, null);
        }
        catch (FourLetterWordException e)
        {
            return new ZooKeeperProbeResult(null, null, e.Problem);
        }
    }

    /// <summary>
    /// Polls every server until each serves and exactly one leads (or the only one is standalone); throws with each
    /// server's last problem when <paramref name="timeout"/> passes.
    /// </summary>
    /// <param name="servers">the members to poll.</param>
    /// <param name="timeout">bound on the whole wait.</param>
    /// <param name="processFailure">says why a member's process died (then the wait fails at once), or null while all run.</param>
    /// <param name="cancellationToken">cancels the wait.</param>
    public static async Task<IReadOnlyList<ZooKeeperProbeResult>> WaitForEnsembleAsync(IReadOnlyList<(string Name, string Address, int Port)> servers, TimeSpan timeout, Func<string?> processFailure, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<ZooKeeperProbeResult> last = [];
        while (true)
        {
            if (processFailure() is { } failure)
            {
                throw new LabException(failure);
            }

            last = await Task.WhenAll(servers.Select(s => ProbeAsync(s.Address, s.Port, TimeSpan.FromSeconds(2), cancellationToken))).ConfigureAwait(false);
            var leaders = last.Count(r => r.Mode is "leader" or "standalone");
            if (last.All(r => r.IsServing) && leaders == 1)
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                var detail = string.Join("; ", servers.Zip(last, (s, r) => $"{s.Name} {s.Address}:{s.Port}: {r.Mode ?? r.Problem}"));
                throw new LabException($"the ensemble did not elect a leader within {timeout.TotalSeconds:0} s ({detail})");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }
}
