using ZkMitosis.Coordinator.Copy;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Cleanup;

/// <summary>Deletes listed subtrees deepest level first, in multi batches sized by their bytes on the wire (the copy's <see cref="BatchWriter"/>).</summary>
internal static class SubtreeDeleter
{
    /// <summary>Deletes every znode of <paramref name="listing"/>; returns how many deletes the server acknowledged.</summary>
    /// <exception cref="CopyException">a batch was refused (a znode gained a child or vanished meanwhile): nothing of that batch applied; run again.</exception>
    public static async Task<long> DeleteAsync(ZooKeeperClient client, string hosts, SubtreeListing listing, CancellationToken cancellationToken)
    {
        var location = new TreeLocation(hosts, "/");
        var writer = new BatchWriter(client, new CopyOptions { Source = location, Target = location, BatchesInFlight = 1 }, new CopyProgress());
        // One batch in flight: a batch refused (a child created meanwhile) stops the deletes before the next is sent.
        for (var level = listing.Levels.Count - 1; level >= 0; level--)
        {
            foreach (var path in listing.Levels[level])
            {
                await writer.AddAsync(Op.Delete(path), WriteKind.Delete, cancellationToken).ConfigureAwait(false);
            }
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (writer.Failure is { } failure)
        {
            throw failure.ToException();
        }

        return writer.Acknowledged(WriteKind.Delete);
    }
}
