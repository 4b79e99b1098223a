using System.Globalization;
using System.Text.Json;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Cleanup;

/// <summary>What marking one moved chroot on the source found and did.</summary>
/// <param name="Chroot">The moved chroot on the source.</param>
/// <param name="Outcome">What happened: <c>marked</c>, <c>already-marked</c>, <c>removed</c>, <c>kept</c> (grace not over) or <c>absent</c>.</param>
/// <param name="MarkedAt">When the marker was created (its ctime on the source), or null when the chroot is absent.</param>
/// <param name="Znodes">Znodes of the chroot on the source (what a removal deletes).</param>
/// <param name="Removed">Deletes the server acknowledged.</param>
/// <param name="Detail">One line for people: why kept, what a dry run would do.</param>
public sealed record MarkResult(string Chroot, string Outcome, DateTimeOffset? MarkedAt, long Znodes, long Removed, string Detail);

/// <summary>
/// After the split a moved tenant's chroot stays on the source, stale. A marker znode <c>CHROOT/zkmitosis-moved</c>
/// (JSON: plan id, destination, when) says so to anyone who looks; once the marker is older than a grace period given
/// by the operator, the chroot can be removed, unless a live session still owns an ephemeral under it (a client of
/// the tenant still on the source). The marker is created once and kept: a second run does not restart the grace period.
/// </summary>
public static class SourceMarker
{
    /// <summary>The marker's name, a child of the moved chroot.</summary>
    public const string MarkerName = "zkmitosis-moved";

    /// <param name="client">A session on the source (no chroot).</param>
    /// <param name="hosts">The source's connect string, for the delete batches.</param>
    /// <param name="chroot">The moved chroot.</param>
    /// <param name="planId">The migration that moved it (in the marker).</param>
    /// <param name="destination">The destination's connect string (in the marker).</param>
    /// <param name="removeAfter">Remove the chroot once the marker is this old; null: only mark.</param>
    /// <param name="now">The coordinator's clock.</param>
    /// <param name="dryRun">Change nothing; say what would be done.</param>
    /// <param name="cancellationToken">Stops the work between requests.</param>
    /// <exception cref="CleanupRefusedException">removal is due but a live session owns an ephemeral under the chroot; nothing deleted.</exception>
    /// <exception cref="KeeperException">a read or the marker's create failed.</exception>
    public static async Task<MarkResult> MarkAsync(ZooKeeperClient client, string hosts, string chroot, string planId, string destination, TimeSpan? removeAfter, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken)
    {
        if (await client.ExistsAsync(chroot, cancellationToken: cancellationToken).ConfigureAwait(false) is null)
        {
            return new MarkResult(chroot, "absent", null, 0, 0, $"{chroot} is not on the source (removed already)");
        }

        var listing = await SubtreeListing.ReadAsync(client, [chroot], cancellationToken).ConfigureAwait(false);
        var marker = chroot + "/" + MarkerName;
        var existing = await client.ExistsAsync(marker, cancellationToken: cancellationToken).ConfigureAwait(false);
        DateTimeOffset? markedAt = existing is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(existing.Ctime);
        var outcome = existing is null ? "marked" : "already-marked";
        if (existing is null && !dryRun)
        {
            var data = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
            {
                ["movedBy"] = "zkmitosis",
                ["plan"] = planId,
                ["destination"] = destination,
                ["markedAt"] = now.ToString("O", CultureInfo.InvariantCulture),
            });
            var created = await client.Create2Async(marker, data, cancellationToken: cancellationToken).ConfigureAwait(false);
            markedAt = DateTimeOffset.FromUnixTimeMilliseconds(created.Stat.Ctime);
        }

        var count = listing.Count + (existing is null ? 1 : 0);
        if (removeAfter is not { } grace)
        {
            return new MarkResult(chroot, outcome, markedAt, count, 0, dryRun && existing is null ? $"would create {marker}" : $"marker {marker}");
        }

        var due = (markedAt ?? now) + grace;
        if (due > now)
        {
            return new MarkResult(chroot, dryRun && existing is null ? "marked" : "kept", markedAt, count, 0,
                $"kept: the grace period ends at {due.ToString("u", CultureInfo.InvariantCulture)} (--remove-after {grace})");
        }

        if (listing.Ephemerals.Count > 0)
        {
            var (path, session) = listing.Ephemerals[0];
            throw new CleanupRefusedException(
                $"{chroot} on the source still has {listing.Ephemerals.Count} ephemeral znode(s), e.g. {path} of live session 0x{session:x}: " +
                "a client of the tenant is still connected to the source; nothing was deleted");
        }

        if (dryRun)
        {
            return new MarkResult(chroot, "removed", markedAt, count, 0, $"would delete {count} znode(s) under {chroot}");
        }

        var all = await SubtreeListing.ReadAsync(client, [chroot], cancellationToken).ConfigureAwait(false);
        var removed = await SubtreeDeleter.DeleteAsync(client, hosts, all, cancellationToken).ConfigureAwait(false);
        return new MarkResult(chroot, "removed", markedAt, all.Count, removed, $"deleted {removed} znode(s) under {chroot}");
    }
}
