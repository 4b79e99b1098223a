using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Copy;

/// <summary>
/// What one znode holds, read plainly (one call at a time) so copy results are checked by code other than the
/// copier's. <paramref name="Data"/> is base64, or "(null)" for null data (which is not empty data).
/// </summary>
internal sealed record ZnodeImage(string Data, string Acl, int Version, int Cversion, int NumChildren, bool Ephemeral);

internal static class IndependentReader
{
    /// <summary>Every znode under <paramref name="root"/> keyed by its path relative to it ("" for the root).</summary>
    public static async Task<SortedDictionary<string, ZnodeImage>> ReadTreeAsync(ZooKeeperClient client, string root, bool skipEphemerals = true)
    {
        var tree = new SortedDictionary<string, ZnodeImage>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(string.Empty);
        while (pending.Count > 0)
        {
            var relative = pending.Pop();
            var path = relative.Length == 0 ? root : root == "/" ? relative : root + relative;
            var data = await client.GetDataAsync(path);
            if (skipEphemerals && data.Stat.EphemeralOwner != 0)
            {
                continue;
            }

            var acl = await client.GetAclAsync(path);
            tree[relative] = new ZnodeImage(
                data.IsNullData ? "(null)" : Convert.ToBase64String(data.Data),
                string.Join(';', acl.Acl.Select(a => $"{a.Scheme}:{a.Id}:{(int)a.Permissions}").Order(StringComparer.Ordinal)),
                data.Stat.Version,
                data.Stat.Cversion,
                data.Stat.NumChildren,
                data.Stat.EphemeralOwner != 0);
            foreach (var child in (await client.GetChildrenAsync(path)).Children)
            {
                if (path == "/" && child == "zookeeper")
                {
                    continue;
                }

                pending.Push(relative + "/" + child);
            }
        }

        return tree;
    }

    /// <summary>Data, ACLs and the set of znodes must match; versions only when asked.</summary>
    public static void AssertSameContent(SortedDictionary<string, ZnodeImage> expected, SortedDictionary<string, ZnodeImage> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (path, node) in expected)
        {
            Assert.True(node.Data == actual[path].Data, $"data differs at '{path}': {node.Data} vs {actual[path].Data}");
            Assert.True(node.Acl == actual[path].Acl, $"ACL differs at '{path}': {node.Acl} vs {actual[path].Acl}");
        }
    }
}
