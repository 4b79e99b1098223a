using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Cleanup;

/// <summary>What a destination prune found and did.</summary>
/// <param name="ExtraRoots">The top subtrees outside the moved chroots (another tenant's data, copied by the split).</param>
/// <param name="Extra">Znodes in them.</param>
/// <param name="Deleted">Deletes the server acknowledged (0 on a dry run).</param>
/// <param name="DryRun">Nothing was changed.</param>
public sealed record PruneResult(IReadOnlyList<string> ExtraRoots, long Extra, long Deleted, bool DryRun);

/// <summary>
/// After the split the destination holds a copy of every tenant of the source: it joined the source's ensemble and
/// synced its whole tree. This removes everything outside the moved chroots, their ancestors and <c>/zookeeper</c>.
/// Refused, before anything is deleted, while any of that data has an ephemeral znode: its session is live on the
/// destination, so a client of another tenant uses the destination (or a copied session has not expired yet).
/// Idempotent: a second run finds nothing extra.
/// </summary>
public static class DestinationPruner
{
    /// <summary>At most this many ephemerals are named in a refusal.</summary>
    private const int Named = 5;

    /// <exception cref="CleanupRefusedException">an ephemeral lies outside the moved chroots; nothing deleted.</exception>
    /// <exception cref="KeeperException">a read failed.</exception>
    /// <exception cref="Copy.CopyException">a delete batch was refused (the tree changed meanwhile); run again.</exception>
    public static async Task<PruneResult> PruneAsync(ZooKeeperClient client, string hosts, CleanupScope scope, bool dryRun, CancellationToken cancellationToken)
    {
        var roots = await ExtraRootsAsync(client, scope, cancellationToken).ConfigureAwait(false);
        var listing = await SubtreeListing.ReadAsync(client, roots, cancellationToken).ConfigureAwait(false);
        if (listing.Ephemerals.Count > 0)
        {
            var named = string.Join(", ", listing.Ephemerals.Take(Named).Select(e => $"{e.Path} (session 0x{e.Session:x})"));
            var more = listing.Ephemerals.Count > Named ? $" and {listing.Ephemerals.Count - Named} more" : "";
            throw new CleanupRefusedException(
                $"{listing.Ephemerals.Count} ephemeral znode(s) outside the moved chroots are live on the destination: {named}{more}; " +
                "a client of another tenant is connected to the destination, or a session copied by the split has not expired yet; nothing was deleted");
        }

        var deleted = dryRun ? 0 : await SubtreeDeleter.DeleteAsync(client, hosts, listing, cancellationToken).ConfigureAwait(false);
        return new PruneResult(roots, listing.Count, deleted, dryRun);
    }

    /// <summary>The children of <c>/</c> and of the chroots' ancestors that are neither moved, ancestors nor <c>/zookeeper</c>, sorted.</summary>
    /// <exception cref="KeeperException">a read failed.</exception>
    public static async Task<IReadOnlyList<string>> ExtraRootsAsync(ZooKeeperClient client, CleanupScope scope, CancellationToken cancellationToken)
    {
        var extra = new List<string>();
        var ancestors = new Queue<string>(["/"]);
        while (ancestors.TryDequeue(out var ancestor))
        {
            IReadOnlyList<string> children;
            try
            {
                children = (await client.GetChildrenAsync(ancestor, cancellationToken: cancellationToken).ConfigureAwait(false)).Children;
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
            {
                continue;
            }

            foreach (var child in children.Order(StringComparer.Ordinal))
            {
                var path = ancestor == "/" ? "/" + child : ancestor + "/" + child;
                switch (scope.PlaceOf(path))
                {
                    case CleanupPlace.Ancestor:
                        ancestors.Enqueue(path);
                        break;
                    case CleanupPlace.Extra:
                        extra.Add(path);
                        break;
                }
            }
        }

        return extra;
    }
}
