using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Cleanup;

/// <summary>A subtree listed level by level: <see cref="Levels"/>[0] is its root, each next level the children of the one before.</summary>
/// <param name="Levels">Absolute paths by depth; the deepest last, so deleting from the end never meets a child.</param>
/// <param name="Ephemerals">Every ephemeral znode found with its owner session: a session live on that ensemble.</param>
public sealed record SubtreeListing(IReadOnlyList<IReadOnlyList<string>> Levels, IReadOnlyList<(string Path, long Session)> Ephemerals)
{
    /// <summary>Znodes listed.</summary>
    public long Count => Levels.Sum(l => (long)l.Count);

    /// <summary>
    /// Lists the subtrees under <paramref name="roots"/>, a level at a time with the level's reads in parallel; a znode
    /// deleted while being listed is left out.
    /// </summary>
    /// <exception cref="KeeperException">a read failed other than with NoNode.</exception>
    public static async Task<SubtreeListing> ReadAsync(ZooKeeperClient client, IReadOnlyList<string> roots, CancellationToken cancellationToken)
    {
        var levels = new List<IReadOnlyList<string>>();
        var ephemerals = new List<(string, long)>();
        IReadOnlyList<string> level = roots;
        while (level.Count > 0)
        {
            var present = new List<string>(level.Count);
            var next = new List<string>();
            // Bounded: at most 256 reads outstanding, so a wide level neither floods the server nor this process.
            foreach (var chunk in level.Chunk(256))
            {
                var listed = await Task.WhenAll(chunk.Select(p => ChildrenOrNullAsync(client, p, cancellationToken))).ConfigureAwait(false);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (listed[i] is not { } children)
                    {
                        continue;
                    }

                    present.Add(chunk[i]);
                    if (children.Stat.EphemeralOwner != 0)
                    {
                        ephemerals.Add((chunk[i], children.Stat.EphemeralOwner));
                    }

                    next.AddRange(children.Children.Select(c => (chunk[i] == "/" ? "/" + c : chunk[i] + "/" + c)));
                }
            }

            levels.Add(present);
            level = next;
        }

        return new SubtreeListing(levels, ephemerals);
    }

    private static async Task<ChildrenResult?> ChildrenOrNullAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return null;
        }
    }
}
